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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos 8: the Kafka broker is SIGSTOPped for 15 s while clients submit 20 jobs a second and a
 * worker runs them. A stopped broker refuses nothing: connections stay open and requests wait
 * unanswered, so only the ingress's own bound ends a submit. Every submit must be answered within
 * that bound (plus a second for the HTTP round trip on a busy machine), with a 200 or a 503 in
 * MLW's shape; every 200 must run to COMPLETED exactly once, and no 503 may run at all once the
 * broker carries on with the records it held.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BrokerStallChaosIT {
    private static final int PER_SECOND = 20;
    private static final Duration STALL = Duration.ofSeconds(15);
    private static final long HTTP_MARGIN_MILLIS = 1_000;

    @Test
    void everySubmitIsAnsweredWithinItsBoundWhileTheBrokerIsStopped() {
        Figures figures = new Figures("broker-stall");
        long bound = Long.parseLong(IngressSettings.SUBMIT_TIMEOUT_MS.defaultValue());
        KafkaBroker broker = RealKafka.broker();
        try (ChaosIngress ingress = ChaosIngress.start("stall", Map.of());
             // No sandbox: the scenario is about the broker, and bubblewrap per job only costs CPU here.
             Worker worker = InProcessWorker.start("stall-chaos-worker", ingress.dataDir,
                     Map.of(WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS, WorkerSettings.SLOTS.env(), "8",
                             WorkerSettings.SANDBOX.env(), "none"));
             JedisPooled redis = RealRedis.client()) {
            String project = ingress.project("stall-chaos");
            String script = ingress.upload(project, "ok.py", "print('ok')\n");
            List<SubmitLoad.Answer> answers;
            try (SubmitLoad load = SubmitLoad.atRate(ingress, project, script, PER_SECOND)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> load.accepted().size() >= 2 * PER_SECOND);

                broker.suspend();
                try {
                    // The clients see the stall: submits the broker cannot acknowledge are answered 503.
                    await().pollDelay(STALL).atMost(STALL.plusSeconds(30)).until(() -> load.count(503) > 0);
                } finally {
                    broker.resume();
                }
                int atResume = load.accepted().size();
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> load.accepted().size() >= atResume + 3 * PER_SECOND);
                load.close();
                answers = load.answers();
                figures.put("submits", answers.size()).put("answers", load.byStatus())
                        .put("slowestMs", load.slowestMillis()).put("ingressSlowestMs", ingressSlowestMillis(ingress))
                        .put("boundMs", bound);
            }
            List<SubmitLoad.Answer> accepted = answers.stream().filter(a -> a.status() == 200).toList();
            List<String> runIds = accepted.stream().map(SubmitLoad.Answer::runId).toList();
            Runs runs = new Runs(redis, ingress.tenant);
            runs.awaitEnded(runIds, Duration.ofSeconds(120));
            Ledger ledger = Ledger.of(redis, ingress.tenant, accepted);
            List<String> slow = answers.stream().filter(a -> a.millis() > bound + HTTP_MARGIN_MILLIS)
                    .map(a -> a.name() + " " + a.status() + " in " + a.millis() + " ms").toList();
            List<String> badRefusals = answers.stream().filter(a -> a.status() != 200)
                    .filter(a -> a.status() != 503
                            || ErrorShapes.problem(Set.of(ErrorShapes.Dialect.MLW), 503, a.body()) != null)
                    .map(a -> a.name() + " " + a.status() + " " + a.body()).toList();
            figures.put("jobs", accepted.size()).put("lost", ledger.lost().size())
                    .put("stuck", runs.notEnded(runIds).size()).put("duplicates", ledger.duplicates().size())
                    .put("ghosts", ledger.ghosts().size()).put("rolledBack", ledger.rolledBack())
                    .put("lateJobsSkipped", InProcessWorker.jobsOfEndedRunsSkipped(worker)).put("slow", slow.size())
                    .put("statuses", runs.statusCounts(runIds)).print();
            ledger.lost().stream().limit(10).forEach(l -> System.out.println("lost " + l));
            ledger.ghosts().stream().limit(10).forEach(g -> System.out.println("ghost " + g));

            assertThat(slow).as("submits answered later than the bound of %d ms plus %d ms", bound,
                    HTTP_MARGIN_MILLIS).isEmpty();
            assertThat(badRefusals).as("answers other than 200 or a 503 in MLW's shape").isEmpty();
            assertThat(ledger.lost()).as("accepted submits that did not run to COMPLETED").isEmpty();
            assertThat(ledger.duplicates()).as("tasks with other than one run").isEmpty();
            assertThat(ledger.ghosts()).as("submits answered 503 whose job ran all the same").isEmpty();
        }
    }

    /**
     * The slowest submit as the ingress timed it, from the request's arrival to its answer (its
     * requests timer's maximum of the last minute): beside the clients' figure, it tells a slow
     * ingress from a machine too busy to run the clients on time.
     */
    private static long ingressSlowestMillis(ChaosIngress ingress) {
        return ingress.get("/metrics").body().lines()
                .filter(line -> line.startsWith("trainyard_ingress_requests_seconds_max{") && line.contains("execute"))
                .mapToLong(line -> Math.round(1_000 * Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))))
                .max().orElse(-1);
    }
}
