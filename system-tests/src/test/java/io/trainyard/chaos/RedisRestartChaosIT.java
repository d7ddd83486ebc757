package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.RedisServer;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos 3: redis-server (AOF, {@code appendfsync everysec}, as deployed) is SIGKILLed and started
 * again on its data while clients keep submitting and a worker keeps running jobs. No task or run
 * record of a 200 may be lost, and every such run must still complete; while Redis is away the
 * ingress answers 503.
 *
 * <p>A SIGKILL loses nothing here even with {@code everysec}: Redis writes each command to the AOF
 * (the kernel's page cache) before it replies, and the page cache outlives the process. Only a
 * machine crash can lose the last second, which {@code appendfsync always} would close.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RedisRestartChaosIT {
    private static final int CLIENTS = 4;
    private static final int ACCEPTED_EACH_SIDE = 30;

    @Test
    void noTaskOrRunRecordIsLostWhenRedisRestarts() {
        Figures figures = new Figures("redis-restart");
        RedisServer server = RealRedis.server();
        try (ChaosIngress ingress = ChaosIngress.start("redis", Map.of());
             Worker worker = InProcessWorker.start("redis-chaos-worker", ingress.dataDir,
                     Map.of(WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS, WorkerSettings.SLOTS.env(), "4"))) {
            String project = ingress.project("redis-chaos");
            String script = ingress.upload(project, "ok.py", "print('ok')\n");
            List<SubmitLoad.Answer> accepted;
            try (SubmitLoad load = SubmitLoad.start(ingress, project, script, CLIENTS)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> load.accepted().size() >= ACCEPTED_EACH_SIDE);

                server.kill();
                // Down until the clients were refused and the worker noticed (its cancel channel broke).
                await().atMost(Duration.ofSeconds(30)).until(() -> load.count(503) >= CLIENTS && !worker.ready());
                server.start();

                int atRestart = load.accepted().size();
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> load.accepted().size() >= atRestart + ACCEPTED_EACH_SIDE);
                load.close();
                accepted = load.accepted();
                figures.put("submits", load.answers().size()).put("accepted", accepted.size())
                        .put("answers", load.byStatus());
            }
            try (JedisPooled redis = RealRedis.client()) {
                List<String> runIds = accepted.stream().map(SubmitLoad.Answer::runId).toList();
                Runs runs = new Runs(redis, ingress.tenant);
                runs.awaitEnded(runIds, Duration.ofSeconds(120));
                Ledger ledger = Ledger.of(redis, ingress.tenant, accepted);
                figures.put("jobs", accepted.size()).put("kills", 1).put("lost", ledger.lost().size())
                        .put("duplicates", ledger.duplicates().size()).put("reexecuted", ledger.reexecuted())
                        .put("ghosts", ledger.ghosts().size()).put("rolledBack", ledger.rolledBack())
                        .put("workerRetries", retries(worker)).put("statuses", runs.statusCounts(runIds)).print();
            ledger.ghosts().stream().limit(10).forEach(g -> System.out.println("ghost " + g));
                ledger.lost().stream().limit(10).forEach(System.out::println);

                assertThat(ledger.lost()).as("accepted submits whose records were lost or whose run did not complete")
                        .isEmpty();
                assertThat(ledger.duplicates()).as("tasks with other than one run").isEmpty();
                assertThat(figures.line()).doesNotContain("answers={0=").doesNotContain("=500");
                assertThat(worker.ready()).as("the worker is taking work again").isTrue();
            }
        }
    }

    /** Attempts the worker retried (e.g. a start that could not reach Redis). */
    private static long retries(Worker worker) {
        return Math.round(worker.meters().find("trainyard.worker.retries").counters().stream()
                .mapToDouble(c -> c.count()).sum());
    }
}
