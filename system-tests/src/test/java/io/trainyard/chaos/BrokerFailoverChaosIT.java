package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafkaCluster;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.KafkaCluster;
import io.trainyard.ingress.IngressSettings;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos 3: three Kafka brokers, every topic on all three with min.insync.replicas 2. While clients
 * submit over HTTP and two workers run the jobs, one broker is SIGKILLed: the leader of the job
 * partition, or (second scenario) the broker hosting the workers' share group coordinator (each
 * scenario first moves the job partition's leadership off that broker, so that one kill hits one
 * role). Every submit
 * that got a 200 must run to COMPLETED exactly once; a submit Kafka could not acknowledge in time
 * is answered 503, never 500; the share group keeps delivering once leadership moved; the killed
 * broker, started again, rejoins and catches up. Each scenario is bounded to about a minute of load.
 */
@Tag("chaos")
@ExtendWith({RealKafkaCluster.class, RealRedis.class})
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BrokerFailoverChaosIT {
    private static final int CLIENTS = 4;
    private static final int ACCEPTED_EACH_PHASE = 30;
    private static final List<String> TOPICS = List.of(Topics.SCRIPT_JOBS, Topics.TRAINING_JOBS, Topics.DLQ,
            Topics.SCHEDULES);
    /** The share coordinator's state: where the share group's acquisitions survive a broker. */
    private static final String SHARE_STATE = "__share_group_state";
    /** Where the share group's coordinator keeps the group: its broker is the one the second scenario kills. */
    private static final String OFFSETS = "__consumer_offsets";

    @Test
    void jobsSurviveTheLossOfTheJobPartitionsLeader(KafkaCluster cluster) {
        run("leader-kill", cluster, c -> c.leaderOf(Topics.SCRIPT_JOBS, 0),
                c -> c.leaderOf(Topics.SCRIPT_JOBS, 0));
    }

    @Test
    void jobsSurviveTheLossOfTheShareCoordinatorsBroker(KafkaCluster cluster) {
        run("coordinator-kill", cluster, c -> c.shareCoordinatorOf(Topics.WORKER_GROUP),
                c -> c.shareCoordinatorOf(Topics.WORKER_GROUP));
    }

    private void run(String scenario, KafkaCluster cluster, ToIntFunction<KafkaCluster> victimOf,
                     ToIntFunction<KafkaCluster> holderAfter) {
        assertThat(cluster.partitions(TOPICS).values()).as("replicas of Trainyard's topics").allSatisfy(partitions ->
                assertThat(partitions).extracting(p -> p.replicas().size()).containsOnly(RealKafkaCluster.BROKERS));
        Figures figures = new Figures(scenario);
        Map<String, String> kafka = RealKafkaCluster.serviceSettings();
        Map<String, String> ingressSettings = new HashMap<>(kafka);
        ingressSettings.put(IngressSettings.SUBMIT_TIMEOUT_MS.env(), "3000");
        Map<String, String> workerSettings = new HashMap<>(kafka);
        workerSettings.putAll(Map.of(WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS, WorkerSettings.SLOTS.env(), "4",
                WorkerSettings.SANDBOX.env(), "none"));
        try (ChaosIngress ingress = ChaosIngress.start(scenario, ingressSettings);
             Worker w1 = InProcessWorker.start(scenario + "-w1", ingress.dataDir, workerSettings);
             Worker w2 = InProcessWorker.start(scenario + "-w2", ingress.dataDir, workerSettings);
             JedisPooled redis = RealRedis.client()) {
            Runs runs = new Runs(redis, ingress.tenant);
            String project = ingress.project(scenario);
            String script = ingress.upload(project, "ok.py", "print('ok')\n");
            List<SubmitLoad.Answer> accepted;
            int victim;
            try (SubmitLoad load = SubmitLoad.start(ingress, project, script, CLIENTS)) {
                // Jobs flow before the kill: accepted and run.
                await().atMost(Duration.ofSeconds(60)).until(() -> completed(runs, load.accepted()) >= ACCEPTED_EACH_PHASE);

                separateJobLeaderFromCoordinator(cluster);
                victim = victimOf.applyAsInt(cluster);
                figures.put("victimLedJobs", cluster.leaderOf(Topics.SCRIPT_JOBS, 0) == victim)
                        .put("victimCoordinated", cluster.shareCoordinatorOf(Topics.WORKER_GROUP) == victim);
                long killedAt = System.nanoTime();
                cluster.node(victim).kill();
                int atKill = load.accepted().size();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> holderAfter.applyAsInt(cluster) != victim);
                figures.put("killedNode", victim).put("movedMs", millisSince(killedAt));

                // The share group keeps delivering: jobs accepted after the kill run on the two brokers left.
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        completed(runs, after(load.accepted(), atKill)) >= ACCEPTED_EACH_PHASE);
                figures.put("deliveringAgainMs", millisSince(killedAt));

                cluster.node(victim).start();
                cluster.awaitBrokers(RealKafkaCluster.BROKERS, Duration.ofSeconds(60));
                cluster.awaitInSync(List.of(Topics.SCRIPT_JOBS, SHARE_STATE), Duration.ofSeconds(60));
                figures.put("rejoinedMs", millisSince(killedAt));
                int atRejoin = load.accepted().size();
                await().atMost(Duration.ofSeconds(60)).until(() -> load.accepted().size() >= atRejoin + 10);
                load.close();
                accepted = load.accepted();
                figures.put("submits", load.answers().size()).put("200s", accepted.size()).put("503s", load.count(503))
                        .put("answers", load.byStatus()).put("slowestSubmitMs", load.slowestMillis());
            }
            List<String> runIds = accepted.stream().map(SubmitLoad.Answer::runId).toList();
            runs.awaitEnded(runIds, Duration.ofSeconds(60));
            Ledger ledger = Ledger.of(redis, ingress.tenant, accepted);
            figures.put("lost", ledger.lost().size()).put("duplicates", ledger.duplicates().size())
                    .put("reexecuted", ledger.reexecuted()).put("ghosts", ledger.ghosts().size())
                    .put("rolledBack", ledger.rolledBack())
                    .put("longestNoFinishMs", longestGap(redis, ingress.tenant, runIds))
                    .put("statuses", runs.statusCounts(runIds)).print();
            ledger.lost().stream().limit(10).forEach(l -> System.out.println("lost " + l));
            ledger.ghosts().stream().limit(10).forEach(g -> System.out.println("ghost " + g));

            assertThat(ledger.lost()).as("accepted submits that did not run to COMPLETED").isEmpty();
            assertThat(ledger.duplicates()).as("tasks with other than one run").isEmpty();
            assertThat(ledger.ghosts()).as("submits answered 503 whose job ran all the same").isEmpty();
            assertThat(figures.line()).as("only 200 and 503 answers").doesNotContain("answers={0=")
                    .doesNotContain("=500");
            assertThat(accepted.stream().map(SubmitLoad.Answer::status)).containsOnly(200);
            assertThat(cluster.partitions(List.of(SHARE_STATE, OFFSETS)).values())
                    .as("the share group's state and coordinator topics are replicated like the jobs")
                    .allSatisfy(partitions -> assertThat(partitions).extracting(TopicPartitionInfo::replicas)
                            .allSatisfy(r -> assertThat(r).hasSize(3)));
        }
    }

    /** So that each scenario kills one role only: the job partition's leader moved off the group coordinator's broker. */
    private static void separateJobLeaderFromCoordinator(KafkaCluster cluster) {
        int coordinator = cluster.shareCoordinatorOf(Topics.WORKER_GROUP);
        if (cluster.leaderOf(Topics.SCRIPT_JOBS, 0) == coordinator) {
            cluster.moveLeader(Topics.SCRIPT_JOBS, 0, coordinator % RealKafkaCluster.BROKERS + 1, Duration.ofSeconds(30));
        }
    }

    private static List<SubmitLoad.Answer> after(List<SubmitLoad.Answer> accepted, int count) {
        return accepted.subList(Math.min(count, accepted.size()), accepted.size());
    }

    private static long completed(Runs runs, List<SubmitLoad.Answer> accepted) {
        return accepted.stream().filter(a -> "COMPLETED".equals(runs.run(a.runId()).get("status"))).count();
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /** The longest time between one accepted run's end and the next, over the scenario. */
    private static long longestGap(JedisPooled redis, String tenant, List<String> runIds) {
        TenantKeys keys = new TenantKeys(tenant);
        long[] ends = runIds.stream().map(id -> redis.hget(keys.run(id), "completedAt")).filter(t -> t != null)
                .mapToLong(Long::parseLong).sorted().toArray();
        long longest = 0;
        for (int i = 1; i < ends.length; i++) {
            longest = Math.max(longest, ends[i] - ends[i - 1]);
        }
        return longest;
    }
}
