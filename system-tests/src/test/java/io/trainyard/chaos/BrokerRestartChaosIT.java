package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.KafkaBroker;
import io.trainyard.ingress.IngressSettings;
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
 * Chaos 2: the Kafka broker is SIGKILLed and started again while clients keep submitting over
 * HTTP and a worker keeps running jobs. Every submit that got a 200 must run to COMPLETED; a
 * submit the broker could not acknowledge must be answered 503 (never 200, never 500), and must not
 * run later either: its record may reach the log although the acknowledgement never came back.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BrokerRestartChaosIT {
    private static final int CLIENTS = 4;
    private static final int ACCEPTED_EACH_SIDE = 30;

    @Test
    void everySubmitThatGotA200RunsThoughTheBrokerRestarts() {
        Figures figures = new Figures("broker-restart");
        KafkaBroker broker = RealKafka.broker();
        try (ChaosIngress ingress = ChaosIngress.start("broker", Map.of(IngressSettings.SUBMIT_TIMEOUT_MS.env(), "3000"));
             Worker worker = InProcessWorker.start("broker-chaos-worker", ingress.dataDir,
                     Map.of(WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS, WorkerSettings.SLOTS.env(), "4"));
             JedisPooled redis = RealRedis.client()) {
            String project = ingress.project("broker-chaos");
            String script = ingress.upload(project, "ok.py", "print('ok')\n");
            List<SubmitLoad.Answer> accepted;
            try (SubmitLoad load = SubmitLoad.start(ingress, project, script, CLIENTS)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> load.accepted().size() >= ACCEPTED_EACH_SIDE);

                long killedAt = System.nanoTime();
                broker.kill();
                // The clients see the outage: submits Kafka cannot acknowledge are answered 503.
                await().atMost(Duration.ofSeconds(60)).until(() -> load.count(503) >= CLIENTS);
                broker.start();
                figures.put("brokerStartSeconds", (System.nanoTime() - killedAt) / 1_000_000_000L);

                int atRestart = load.accepted().size();
                await().atMost(Duration.ofSeconds(90)).until(() -> load.accepted().size() > atRestart);
                figures.put("firstAcceptSeconds", (System.nanoTime() - killedAt) / 1_000_000_000L);
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> load.accepted().size() >= atRestart + ACCEPTED_EACH_SIDE);
                load.close();
                accepted = load.accepted();
                figures.put("submits", load.answers().size()).put("accepted", accepted.size())
                        .put("answers", load.byStatus());
            }
            List<String> runIds = accepted.stream().map(SubmitLoad.Answer::runId).toList();
            Runs runs = new Runs(redis, ingress.tenant);
            runs.awaitEnded(runIds, Duration.ofSeconds(120));
            Ledger ledger = Ledger.of(redis, ingress.tenant, accepted);
            figures.put("jobs", accepted.size()).put("kills", 1).put("lost", ledger.lost().size())
                    .put("duplicates", ledger.duplicates().size()).put("reexecuted", ledger.reexecuted())
                    .put("ghosts", ledger.ghosts().size()).put("rolledBack", ledger.rolledBack())
                    .put("lateJobsSkipped", InProcessWorker.jobsOfEndedRunsSkipped(worker))
                    .put("statuses", runs.statusCounts(runIds)).print();
            ledger.ghosts().stream().limit(10).forEach(g -> System.out.println("ghost " + g));

            assertThat(ledger.lost()).as("accepted submits that did not run to COMPLETED").isEmpty();
            assertThat(ledger.duplicates()).as("tasks with other than one run").isEmpty();
            assertThat(ledger.ghosts()).as("submits answered 503 whose job ran all the same").isEmpty();
            assertThat(figures.line()).doesNotContain("answers={0=").doesNotContain("=500");
        }
    }
}
