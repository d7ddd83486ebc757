package io.trainyard.ingress.internal.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.ops.EventLine;
import io.trainyard.ingress.Submissions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLogTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-23T10:15:30.250Z"));

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void queuedLinesAppearInOrderShapedAsTheServiceLogs() {
        try (EventLog log = new EventLog(Submissions.class, out, CLOCK)) {
            log.log(EventLine.of("submitted").with("task", "t-1").with("tenant", "acme"));
            log.log(EventLine.of("submitted").with("task", "t-2").with("tenant", "acme"));

            await().atMost(Duration.ofSeconds(10)).until(() -> lines().size() == 2);
            assertThat(lines()).containsExactly(
                    "2026-11-23T10:15:30.250Z INFO io.trainyard.ingress.Submissions - event=submitted task=t-1 "
                            + "tenant=acme",
                    "2026-11-23T10:15:30.250Z INFO io.trainyard.ingress.Submissions - event=submitted task=t-2 "
                            + "tenant=acme");
        }
    }

    @Test
    void closingWritesEveryLineStillQueued() {
        EventLog log = new EventLog(Submissions.class, out, CLOCK);
        for (int i = 0; i < 1_000; i++) {
            log.log(EventLine.of("submitted").with("task", "t-" + i));
        }
        log.close();

        assertThat(lines()).hasSize(1_000);
        assertThat(lines().getFirst()).endsWith("event=submitted task=t-0");
        assertThat(lines().getLast()).endsWith("event=submitted task=t-999");
    }

    @Test
    void aFullQueueDropsNothing() {
        EventLog log = new EventLog(Submissions.class, out, CLOCK, 1);
        for (int i = 0; i < 50; i++) {
            log.log(EventLine.of("submitted").with("task", "t-" + i));
        }
        log.close();

        assertThat(lines()).hasSize(50);
    }

    private List<String> lines() {
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
}
