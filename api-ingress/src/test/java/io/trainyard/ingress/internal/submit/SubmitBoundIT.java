package io.trainyard.ingress.internal.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trainyard.common.Ids;
import io.trainyard.common.job.JobType;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.RedisServer;
import io.trainyard.ingress.Submissions;
import io.trainyard.ingress.TaskStore;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.redis.SharedRedis;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The submit path against a redis-server of its own (this test stops it with SIGSTOP), with
 * stand-ins for Kafka: whatever Kafka and Redis do, a submit is answered within its bound, and a
 * rollback Redis could not take in time still happens once Redis answers again.
 */
class SubmitBoundIT {
    private static final SubmitBound BOUND = SubmitBound.ofMillis(2_000);
    /** Time for the test's own thread to be scheduled on a busy machine; no HTTP here. */
    private static final long MARGIN_MILLIS = 300;

    private RedisServer server;
    private SharedRedis redis;
    private JedisPooled reader;
    private RollbackRetries rollbacks;
    private EventLog events;
    private final String tenant = "bound-" + Ids.next().substring(24);

    @BeforeEach
    void start() throws IOException {
        server = RedisServer.start(Files.createTempDirectory("trainyard-submit-bound-"), FreePort.pick());
        redis = SharedRedis.connect(URI.create(server.uri()), 1);
        reader = new JedisPooled(URI.create(server.uri()));
        rollbacks = new RollbackRetries(stores(), Duration.ofMillis(50), Duration.ofMillis(200));
        events = new EventLog(Submissions.class, System.err, InstantSource.system());
    }

    @AfterEach
    void stop() {
        server.resume();
        events.close();
        rollbacks.close();
        reader.close();
        redis.close();
        server.close();
    }

    @Test
    void aJobKafkaRefusesForGoodIsRolledBackAndNotAnswered503() {
        Submissions submissions = submissions((topic, key, value, waitMillis) -> {
            throw new PublishFailedException(topic, key,
                    new org.apache.kafka.common.errors.TopicAuthorizationException("not allowed to write " + topic));
        });

        ApiException refused = catchThrowableOfType(ApiException.class, () -> submissions.submit(request("denied")));

        // Retrying cannot help (Kafka's error is not retriable): no 503 inviting the client to.
        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.getMessage()).contains("Kafka refused the job, so nothing was queued");
        assertThat(reader.hget(new TenantKeys(tenant).names(), "denied")).isNull();
    }

    @Test
    void theWaitForKafkaLeavesTheRollbackItsReserve() {
        AtomicLong waited = new AtomicLong(-1);
        Submissions submissions = submissions((topic, key, value, waitMillis) -> {
            waited.set(waitMillis);
            throw new PublishFailedException(topic, key, new org.apache.kafka.common.errors.TimeoutException("not acknowledged"));
        });

        ApiException refused = catchThrowableOfType(ApiException.class, () -> submissions.submit(request("report")));

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.getMessage()).contains("nothing was queued").contains("free again");
        assertThat(waited.get()).isPositive().isLessThanOrEqualTo(BOUND.publishMillis());
        assertThat(reader.hget(new TenantKeys(tenant).names(), "report")).isNull();
        assertThat(rollbacks.pending()).isZero();
    }

    @Test
    void aRollbackRedisCannotTakeInTimeIsAnswered503OnTimeAndHappensOnceRedisAnswers() {
        // Kafka refuses the job, and by then Redis has stopped answering too.
        Submissions submissions = submissions((topic, key, value, waitMillis) -> {
            server.suspend();
            throw new PublishFailedException(topic, key, new org.apache.kafka.common.errors.TimeoutException("not acknowledged"));
        });

        long start = System.nanoTime();
        ApiException refused = catchThrowableOfType(ApiException.class, () -> submissions.submit(request("report")));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.getMessage()).contains("being rolled back");
        assertThat(millis).isLessThanOrEqualTo(BOUND.total().toMillis() + MARGIN_MILLIS);
        assertThat(rollbacks.pending()).isEqualTo(1);

        server.resume();
        TenantKeys keys = new TenantKeys(tenant);
        await().atMost(Duration.ofSeconds(20)).until(() -> rollbacks.pending() == 0);
        assertThat(reader.hget(keys.names(), "report")).isNull();
        assertThat(reader.zcard(keys.tasks())).isZero();
        String run = reader.keys(keys.runPrefix().replace("{", "\\{").replace("}", "\\}") + "*").iterator().next();
        assertThat(reader.hget(run, "status")).isEqualTo("CANCELLED");
    }

    private Submissions submissions(RecordPublisher jobs) {
        return new Submissions(stores(), jobs, new NoSchedules(), BOUND, rollbacks, InstantSource.system(),
                new SubmitMetrics(new SimpleMeterRegistry()), events);
    }

    private BoundedTaskStore stores() {
        return deadline -> new TaskStore(redis.until(deadline));
    }

    private SubmitRequest request(String name) {
        return new SubmitRequest(tenant, "mlw", name, JobType.CODE, Recurrence.ONE_TIME, "", ZoneOffset.UTC, null,
                null, Ids.next(), "project", Ids.next(), 0, "[]", Map.of());
    }

    /** One-time submits only: no schedule is ever published. */
    private static final class NoSchedules implements ScheduleSink {
        @Override
        public void publish(ScheduleDefinition definition, long waitMillis) {
            throw new AssertionError("no schedule expected");
        }

        @Override
        public void remove(String tenant, String taskId) {
            throw new AssertionError("no schedule expected");
        }
    }
}
