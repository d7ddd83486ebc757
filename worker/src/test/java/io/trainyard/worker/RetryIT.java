package io.trainyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.kafka.DeadLetterHeaders;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.internal.retry.PermanentFailure;
import io.trainyard.worker.internal.retry.RetryableFailure;
import io.trainyard.worker.internal.retry.RunFailure;
import io.trainyard.worker.testing.WorkerHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retryable failures come back after a delay as a new delivery; exhausted ones end FAILED and dead-lettered. */
@ExtendWith({RealKafka.class, RealRedis.class})
class RetryIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final String TENANT = "retry-it";

    /** Stands in for NOOP: fails as its run id says, so the retry path can be driven from a test. */
    private static final JobKind SCRIPTED_FAILURES = new JobKind() {
        @Override
        public JobType type() {
            return JobType.NOOP;
        }

        @Override
        public Outcome run(RunContext context) throws RunFailure {
            String runId = context.job().runId();
            if (runId.startsWith("flaky-") && context.attempt() == 1) {
                throw new RetryableFailure(TENANT, runId, "transient trouble");
            }
            if (runId.startsWith("broken-")) {
                throw new RetryableFailure(TENANT, runId, "sandbox lost on attempt " + context.attempt());
            }
            if (runId.startsWith("missing-")) {
                throw new PermanentFailure(TENANT, runId, "no such resource");
            }
            return Outcome.completed("done on attempt " + context.attempt());
        }
    };

    private static WorkerHarness harness;
    private static Worker worker;

    @BeforeAll
    static void startWorker() {
        harness = new WorkerHarness();
        worker = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "retry-worker")), List.of(SCRIPTED_FAILURES));
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
        harness.close();
    }

    @Test
    void aRetryableFailureIsTriedAgainAndCanThenSucceed() {
        String runId = "flaky-" + Ids.next();
        harness.publish(WorkerHarness.of(TENANT, runId, JobType.NOOP));

        Map<String, String> run = harness.awaitEnd(TENANT, runId, START);

        assertThat(run).containsEntry("status", "COMPLETED").containsEntry("attempt", "2")
                .containsEntry("message", "done on attempt 2").containsEntry("epoch", "2");
    }

    @Test
    void exhaustedRetriesEndFailedAndTheJobGoesToTheDeadLetterTopic() {
        String runId = "broken-" + Ids.next();
        harness.publish(WorkerHarness.of(TENANT, runId, JobType.NOOP));

        Map<String, String> run = harness.awaitEnd(TENANT, runId, START);

        assertThat(run).containsEntry("status", "FAILED").containsEntry("attempt", "3").containsEntry("epoch", "3");
        assertThat(run.get("message")).contains("3 of 3 attempts", "sandbox lost on attempt 3");
        Map<String, String> headers = deadLetterHeaders(runId);
        assertThat(headers.get(DeadLetterHeaders.REASON)).contains("3 of 3 attempts");
        assertThat(headers).containsEntry(DeadLetterHeaders.ATTEMPTS, "3").containsEntry(DeadLetterHeaders.WORKER, "retry-worker")
                .containsEntry(DeadLetterHeaders.SOURCE_TOPIC, Topics.SCRIPT_JOBS);
        assertThat(headers.get("value")).contains(runId, "\"schemaVersion\":" + JobMessage.SCHEMA_VERSION);
    }

    @Test
    void aPermanentFailureEndsFailedAtOnceWithoutADeadLetter() {
        String runId = "missing-" + Ids.next();
        harness.publish(WorkerHarness.of(TENANT, runId, JobType.NOOP));

        Map<String, String> run = harness.awaitEnd(TENANT, runId, START);

        assertThat(run).containsEntry("status", "FAILED").containsEntry("attempt", "1").containsEntry("epoch", "1");
        assertThat(run.get("message")).contains("no such resource");
    }

    /** The dead letter of {@code runId}: its headers, and its value under "value". */
    private static Map<String, String> deadLetterHeaders(String runId) {
        Map<String, String> found = new HashMap<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                "bootstrap.servers", RealKafka.broker().bootstrapServers(), "group.id", "dlq-reader-" + Ids.next(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DLQ));
            await().atMost(START).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (runId.equals(record.key())) {
                        record.headers().forEach(h -> found.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
                        found.put("value", record.value());
                    }
                }
                return !found.isEmpty();
            });
        }
        return found;
    }
}
