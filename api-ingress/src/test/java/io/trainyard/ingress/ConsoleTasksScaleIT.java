package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;

/**
 * The Tasks page with 100,000 tasks in Redis: its first page, a page deep in the list (keyset
 * paging, so as cheap as the first) and a filter that matches one task in a hundred, timed as a
 * browser gets them (the whole HTML). The times are written to target/console-tasks-100k.txt.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class ConsoleTasksScaleIT {
    private static final int TASKS = 100_000;
    /** Generous for a shared two-core machine; one page costs a few milliseconds of Redis work. */
    private static final long PAGE_BOUND_MILLIS = 2_000;
    private static final Pattern NEXT = Pattern.compile("id=\"next-page\" href=\"([^\"]+)\"");
    static TestIngress ingress;

    @BeforeAll
    static void start() {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
        seed(ingress.tenant);
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    /** Tasks as the submit path writes them, each with one run; every hundredth run FAILED. */
    private static void seed(String tenant) {
        TenantKeys keys = new TenantKeys(tenant);
        long base = System.currentTimeMillis() - TASKS * 1_000L;
        try (JedisPooled redis = RealRedis.client()) {
            for (int from = 0; from < TASKS; from += 2_000) {
                try (Pipeline p = redis.pipelined()) {
                    for (int i = from; i < from + 2_000; i++) {
                        String id = String.format("task%06d", i);
                        String runId = String.format("run%06d", i);
                        long at = base + i * 1_000L;
                        p.hset(keys.task(id), Map.of("id", id, "name", "bulk-" + i, "type", "CODE",
                                "recurrence", "ONE_TIME", "projectName", "bulk", "projectID", "p1",
                                "createdAt", Long.toString(at)));
                        p.zadd(keys.tasks(), at, id);
                        p.rpush(keys.taskRuns(id), runId);
                        p.hset(keys.run(runId), Map.of("id", runId, "tasksID", id,
                                "status", i % 100 == 0 ? "FAILED" : "COMPLETED", "queuedAt", Long.toString(at)));
                    }
                    p.sync();
                }
            }
        }
    }

    private record Timed(String html, long millis) {}

    private static Timed get(String path, String session) {
        long start = System.nanoTime();
        HttpResponse<String> response = ingress.get(path, session);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new Timed(response.body(), millis);
    }

    private static String next(String html) {
        Matcher m = NEXT.matcher(html);
        assertThat(m.find()).as("a next-page link").isTrue();
        return m.group(1).replace("&amp;", "&");
    }

    @Test
    void pagesOfAHundredThousandTasksRenderInMilliseconds() throws IOException {
        String session = ConsoleSecurityIT.signIn(ingress, ingress.tenant + "/reader");
        get("/ui/tasks", session); // warm: templates, connections
        List<String> report = new ArrayList<>();

        Timed first = get("/ui/tasks", session);
        assertThat(first.html()).contains("bulk-99999").contains("50 shown of 100000 tasks");
        report.add("first page: " + first.millis() + " ms");

        String path = "/ui/tasks";
        Timed page = first;
        for (int i = 0; i < 20; i++) {
            path = next(page.html());
            page = get(path, session);
        }
        assertThat(page.html()).contains("bulk-" + (TASKS - 1 - 20 * 50)).doesNotContain("bulk-99999<");
        report.add("page 21 (keyset): " + page.millis() + " ms");

        Timed failed = get("/ui/tasks?status=FAILED", session);
        assertThat(failed.html()).contains("bulk-99900").doesNotContain("bulk-99901<");
        report.add("status=FAILED (1 in 100 match, 5000 read): " + failed.millis() + " ms");

        Timed named = get("/ui/tasks?name=bulk-4242", session);
        report.add("name contains bulk-4242 (5000 read): " + named.millis() + " ms");

        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "console-tasks-100k.txt"), report);
        System.out.println("Tasks page with " + TASKS + " tasks: " + report);
        assertThat(first.millis()).isLessThan(PAGE_BOUND_MILLIS);
        assertThat(page.millis()).isLessThan(PAGE_BOUND_MILLIS);
        assertThat(failed.millis()).isLessThan(PAGE_BOUND_MILLIS);
    }
}
