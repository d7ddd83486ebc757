package io.trainyard.worker.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.Ids;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.TaskStore;
import io.trainyard.worker.RunLedger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

@ExtendWith(RealRedis.class)
class RunLedgerIT {
    private static JedisPooled redis;
    private static TaskStore tasks;
    private static RunLedger ledger;

    @BeforeAll
    static void connect() {
        redis = RealRedis.client();
        tasks = new TaskStore(redis);
        ledger = new RunLedger(redis, 30_000);
    }

    private String queuedRun(String tenant) {
        String taskId = Ids.next();
        String runId = Ids.next();
        var submitted = tasks.submit(tenant, "task-" + taskId, 1, Map.of("id", taskId, "name", "task-" + taskId),
                Map.of("id", runId, "tasksID", taskId, "status", "QUEUED"));
        assertThat(submitted.created()).isTrue();
        return runId;
    }

    @Test
    void aWriteWithAStaleEpochIsRefused() {
        String runId = queuedRun("acme");
        var first = (RunLedger.Start.Started) ledger.start("acme", runId, "worker-a", 1, 1000, Map.of());
        var second = (RunLedger.Start.Started) ledger.start("acme", runId, "worker-b", 2, 2000, Map.of());
        assertThat(second.epoch()).isGreaterThan(first.epoch());

        assertThat(ledger.update("acme", runId, first.epoch(), Map.of("message", "old worker"))).isFalse();
        assertThat(ledger.finish("acme", runId, first.epoch(), RunStatus.COMPLETED, 3000, Map.of(), Map.of()))
                .isFalse();
        assertThat(redis.hget(new TenantKeys("acme").run(runId), "status")).isEqualTo("RUNNING");
        assertThat(redis.hget(new TenantKeys("acme").run(runId), "workerId")).isEqualTo("worker-b");

        assertThat(ledger.finish("acme", runId, second.epoch(), RunStatus.FAILED, 3000,
                Map.of("exitCode", "3"), Map.of("stderr", "boom"))).isTrue();
        assertThat(tasks.run("acme", runId).orElseThrow()).containsEntry("status", "FAILED")
                .containsEntry("exitCode", "3");
        assertThat(tasks.output("acme", runId)).containsEntry("stderr", "boom");
    }

    @Test
    void anEndWhoseStartRedisLostIsToldSoAndWritesNothing() {
        String runId = queuedRun("acme");
        var started = (RunLedger.Start.Started) ledger.start("acme", runId, "w", 1, 1000, Map.of());
        // A failover to a replica that never got the start: the run is QUEUED at epoch 0 again.
        redis.hset(new TenantKeys("acme").run(runId), Map.of("status", "QUEUED", "epoch", "0"));

        List<RunLedger.Written> written = ledger.finishAll(List.of(new RunLedger.Finish("acme", runId,
                started.epoch(), RunStatus.COMPLETED, Map.of(), Map.of())), 2000);

        assertThat(written).containsExactly(RunLedger.Written.START_LOST);
        assertThat(redis.hget(new TenantKeys("acme").run(runId), "status")).isEqualTo("QUEUED");
        // A stale epoch above the stored one (another attempt took the run over) stays a plain refusal.
        var again = (RunLedger.Start.Started) ledger.start("acme", runId, "w2", 2, 3000, Map.of());
        var later = (RunLedger.Start.Started) ledger.start("acme", runId, "w3", 3, 4000, Map.of());
        assertThat(ledger.finishAll(List.of(new RunLedger.Finish("acme", runId, again.epoch(), RunStatus.COMPLETED,
                Map.of(), Map.of())), 5000)).containsExactly(RunLedger.Written.REFUSED);
        assertThat(later.epoch()).isGreaterThan(again.epoch());
    }

    @Test
    void theTerminalStatusIsWrittenOnce() {
        String runId = queuedRun("acme");
        var started = (RunLedger.Start.Started) ledger.start("acme", runId, "w", 1, 1000, Map.of());
        assertThat(ledger.finish("acme", runId, started.epoch(), RunStatus.COMPLETED, 2000, Map.of(), Map.of()))
                .isTrue();
        assertThat(ledger.finish("acme", runId, started.epoch(), RunStatus.FAILED, 3000, Map.of(), Map.of()))
                .isFalse();
        assertThat(ledger.start("acme", runId, "w2", 2, 4000, Map.of()))
                .isEqualTo(new RunLedger.Start.AlreadyEnded(RunStatus.COMPLETED));
    }

    @Test
    void anEndedRunAndItsOutputExpireAfterTheRetentionWindow() {
        RunLedger shortLived = new RunLedger(redis, 30_000, 3_600);
        TenantKeys keys = new TenantKeys("acme");
        String runId = queuedRun("acme");
        var started = (RunLedger.Start.Started) shortLived.start("acme", runId, "w", 1, 1000, Map.of());
        assertThat(redis.ttl(keys.run(runId))).as("a running run is kept").isEqualTo(-1);
        assertThat(redis.hget(keys.run(runId), "leaseUntil")).as("the lease: start + 30 s").isEqualTo("31000");

        assertThat(shortLived.finish("acme", runId, started.epoch(), RunStatus.COMPLETED, 2000, Map.of(),
                Map.of("stdout", "hi"))).isTrue();
        assertThat(redis.ttl(keys.run(runId))).isBetween(3_590L, 3_600L);
        assertThat(redis.ttl(keys.runOutput(runId))).isBetween(3_590L, 3_600L);
        assertThat(redis.keys("*" + runId + "*")).containsExactlyInAnyOrder(keys.run(runId), keys.runOutput(runId));
    }

    @Test
    void liveOutputIsWrittenByTheCurrentAttemptOnlyAndExpiresIfTheRunNeverEnds() {
        RunLedger shortLived = new RunLedger(redis, 30_000, 3_600);
        TenantKeys keys = new TenantKeys("acme");
        String runId = queuedRun("acme");
        var first = (RunLedger.Start.Started) shortLived.start("acme", runId, "w", 1, 1000, Map.of());
        assertThat(shortLived.output("acme", runId, first.epoch(), Map.of("stdout", "line 1\n"), true)).isTrue();
        assertThat(redis.hget(keys.runOutput(runId), "stdout")).isEqualTo("line 1\n");
        assertThat(redis.ttl(keys.runOutput(runId))).isBetween(3_590L, 3_600L);
        assertThat(redis.hget(keys.run(runId), "status")).isEqualTo("RUNNING");

        var second = (RunLedger.Start.Started) shortLived.start("acme", runId, "w2", 2, 2000, Map.of());
        assertThat(shortLived.output("acme", runId, first.epoch(), Map.of("stdout", "zombie\n"), false)).isFalse();
        assertThat(shortLived.output("acme", runId, second.epoch(), Map.of("stderr", "oops\n"), true)).isTrue();
        assertThat(redis.hgetAll(keys.runOutput(runId))).containsEntry("stdout", "line 1\n")
                .containsEntry("stderr", "oops\n");
    }

    @Test
    void aRunThatEndedElsewhereExpiresWhenAWorkerSeesIt() {
        RunLedger shortLived = new RunLedger(redis, 30_000, 3_600);
        String runId = queuedRun("acme");
        assertThat(tasks.cancelRun("acme", runId, 500)).contains("CANCELLED");
        assertThat(redis.ttl(new TenantKeys("acme").run(runId))).isEqualTo(-1);
        assertThat(shortLived.start("acme", runId, "w", 1, 1000, Map.of()))
                .isEqualTo(new RunLedger.Start.AlreadyEnded(RunStatus.CANCELLED));
        assertThat(redis.ttl(new TenantKeys("acme").run(runId))).isBetween(3_590L, 3_600L);
    }

    @Test
    void aRunCancelledWhileQueuedNeverStarts() {
        String runId = queuedRun("acme");
        assertThat(tasks.cancelRun("acme", runId, 500)).contains("CANCELLED");
        assertThat(ledger.start("acme", runId, "w", 1, 1000, Map.of()))
                .isEqualTo(new RunLedger.Start.AlreadyEnded(RunStatus.CANCELLED));
    }

    @Test
    void aBatchOfStartsAnswersEachRunAsASingleStartWould() {
        String queued = queuedRun("acme");
        String ended = queuedRun("acme");
        var done = (RunLedger.Start.Started) ledger.start("acme", ended, "w", 1, 1000, Map.of());
        ledger.finish("acme", ended, done.epoch(), RunStatus.COMPLETED, 1500, Map.of(), Map.of());
        String cancelled = queuedRun("acme");
        tasks.cancelRun("acme", cancelled, 500);
        String plain = Ids.next();
        String absent = Ids.next();
        redis.scriptFlush();

        List<RunLedger.Start> starts = ledger.startAll(List.of(
                new RunLedger.StartRequest("acme", queued, 1, Map.of()),
                new RunLedger.StartRequest("acme", ended, 2, Map.of()),
                new RunLedger.StartRequest("acme", cancelled, 1, Map.of()),
                new RunLedger.StartRequest("acme", plain, 1, Map.of("id", plain, "status", "QUEUED")),
                new RunLedger.StartRequest("acme", absent, 1, Map.of())), "batch-worker", 2000);

        assertThat(starts).containsExactly(new RunLedger.Start.Started(1, 1),
                new RunLedger.Start.AlreadyEnded(RunStatus.COMPLETED), new RunLedger.Start.AlreadyEnded(RunStatus.CANCELLED),
                new RunLedger.Start.Started(1, 1), new RunLedger.Start.Missing());
        assertThat(tasks.run("acme", plain).orElseThrow()).containsEntry("status", "RUNNING")
                .containsEntry("workerId", "batch-worker").containsEntry("epoch", "1");
    }

    @Test
    void aBatchSpanningTenantsAnswersInOrderAndARefusedRunFailsAlone() {
        String first = queuedRun("acme");
        String other = queuedRun("globex");
        String broken = Ids.next();
        redis.set(new TenantKeys("acme").run(broken), "not a hash");
        String last = queuedRun("acme");

        List<RunLedger.Start> starts = ledger.startAll(List.of(
                new RunLedger.StartRequest("acme", first, 1, Map.of()),
                new RunLedger.StartRequest("globex", other, 1, Map.of()),
                new RunLedger.StartRequest("acme", broken, 1, Map.of("id", broken)),
                new RunLedger.StartRequest("acme", last, 1, Map.of())), "w", 1000);

        assertThat(starts.get(0)).isEqualTo(new RunLedger.Start.Started(1, 1));
        assertThat(starts.get(1)).isEqualTo(new RunLedger.Start.Started(1, 1));
        assertThat(starts.get(2)).isInstanceOfSatisfying(RunLedger.Start.Failed.class,
                failed -> assertThat(failed.cause()).hasMessageContaining("WRONGTYPE"));
        assertThat(starts.get(3)).isEqualTo(new RunLedger.Start.Started(1, 1));
        assertThat(tasks.run("globex", other).orElseThrow()).containsEntry("status", "RUNNING");

        List<RunLedger.Written> written = ledger.finishAll(List.of(
                new RunLedger.Finish("globex", other, 1, RunStatus.COMPLETED, Map.of(), Map.of()),
                new RunLedger.Finish("acme", broken, 1, RunStatus.COMPLETED, Map.of(), Map.of()),
                new RunLedger.Finish("acme", last, 1, RunStatus.FAILED, Map.of(), Map.of("stderr", "x"))), 2000);
        assertThat(written.get(0)).isEqualTo(RunLedger.Written.YES);
        assertThat(written.get(1).failure()).hasMessageContaining("WRONGTYPE");
        assertThat(written.get(2)).isEqualTo(RunLedger.Written.YES);
        assertThat(tasks.run("acme", last).orElseThrow()).containsEntry("status", "FAILED");
        assertThat(tasks.output("acme", last)).containsEntry("stderr", "x");
    }

    @Test
    void aBatchOfFinishesIsFencedPerRun() {
        String current = queuedRun("acme");
        String overtaken = queuedRun("acme");
        var a = (RunLedger.Start.Started) ledger.start("acme", current, "w", 1, 1000, Map.of());
        var stale = (RunLedger.Start.Started) ledger.start("acme", overtaken, "w", 1, 1000, Map.of());
        var newer = (RunLedger.Start.Started) ledger.start("acme", overtaken, "w2", 2, 1100, Map.of());
        redis.scriptFlush();

        List<RunLedger.Written> written = ledger.finishAll(List.of(
                new RunLedger.Finish("acme", current, a.epoch(), RunStatus.COMPLETED, Map.of("message", "ok"), Map.of("stdout", "")),
                new RunLedger.Finish("acme", overtaken, stale.epoch(), RunStatus.COMPLETED, Map.of(), Map.of()),
                new RunLedger.Finish("acme", current, a.epoch(), RunStatus.FAILED, Map.of(), Map.of())), 3000);

        assertThat(written).containsExactly(RunLedger.Written.YES, RunLedger.Written.REFUSED, RunLedger.Written.REFUSED);
        assertThat(tasks.run("acme", current).orElseThrow()).containsEntry("status", "COMPLETED")
                .containsEntry("message", "ok").containsEntry("completedAt", "3000");
        assertThat(tasks.run("acme", overtaken).orElseThrow()).containsEntry("status", "RUNNING")
                .containsEntry("epoch", Long.toString(newer.epoch()));
    }

    private static RunLedger.StartRequest request(String tenant, String runId, String token) {
        return new RunLedger.StartRequest(tenant, runId, token, ("{\"runId\":\"" + runId + "\"}").getBytes(), Map.of());
    }

    private static RunLedger.StartReply startOnce(String runId, String token, String worker, long now) {
        return ledger.startUnlessHeld(List.of(request("acme", runId, token)), worker, now).getFirst();
    }

    @Test
    void aStartPastTheStartsARunMayTakeEndsItFailedInsteadOfStartingIt() {
        RunLedger twoStarts = new RunLedger(redis, 30_000, 3_600, 2);
        String runId = queuedRun("acme");
        TenantKeys keys = new TenantKeys("acme");
        // Its workers die while running it: each redelivery comes after the lease lapsed.
        assertThat(twoStarts.startUnlessHeld(List.of(request("acme", runId, "w1:t-0@1#1")), "w1", 1_000).getFirst())
                .isEqualTo(new RunLedger.Start.Started(1, 1));
        assertThat(twoStarts.startUnlessHeld(List.of(request("acme", runId, "w2:t-0@1#2")), "w2", 40_000).getFirst())
                .isEqualTo(new RunLedger.Start.Started(2, 2));
        assertThat(twoStarts.startUnlessHeld(List.of(request("acme", runId, "w3:t-0@1#3")), "w3", 80_000).getFirst())
                .isEqualTo(new RunLedger.Start.Abandoned(2));

        assertThat(tasks.run("acme", runId).orElseThrow()).containsEntry("status", "FAILED")
                .containsEntry("message", "abandoned after 2 deliveries").containsEntry("attempt", "2")
                .containsEntry("completedAt", "80000").doesNotContainKey("job");
        assertThat(redis.zscore(keys.inflight(), runId)).as("out of the in-flight index").isNull();
        assertThat(redis.ttl(keys.run(runId))).as("kept for the retention window").isBetween(1L, 3_600L);
        assertThat(twoStarts.finish("acme", runId, 2, RunStatus.COMPLETED, 81_000, Map.of(), Map.of()))
                .as("the last attempt's late write is fenced out").isFalse();
    }

    @Test
    void aStartRetriedWithItsTokenAnswersTheEpochItGotWithoutANewOne() {
        String runId = queuedRun("acme");
        assertThat(startOnce(runId, "w1:topic-0@7#1", "w1", 1000)).isEqualTo(new RunLedger.Start.Started(1, 1));
        assertThat(startOnce(runId, "w1:topic-0@7#1", "w1", 1200)).isEqualTo(new RunLedger.Start.Started(1, 1));
        assertThat(tasks.run("acme", runId).orElseThrow()).containsEntry("epoch", "1").containsEntry("attempt", "1")
                .containsEntry("executedAt", "1000").containsEntry("leaseUntil", "31000");
    }

    @Test
    void aRunHeldUnderALiveLeaseIsNotTakenOverByAnotherAcquisitionButAnExpiredOneIs() {
        String runId = queuedRun("acme");
        var first = (RunLedger.Start.Started) startOnce(runId, "w1:topic-0@7#1", "w1", 1000);

        assertThat(startOnce(runId, "w2:topic-0@9#1", "w2", 2000)).isEqualTo(new RunLedger.HeldElsewhere("w1", 31000));
        assertThat(ledger.renew("acme", runId, first.epoch())).as("the holder keeps its run").isTrue();
        assertThat(tasks.run("acme", runId).orElseThrow()).containsEntry("workerId", "w1").containsEntry("epoch", "1");

        long afterTheLease = Long.parseLong(redis.hget(new TenantKeys("acme").run(runId), "leaseUntil")) + 1;
        assertThat(startOnce(runId, "w2:topic-0@7#2", "w2", afterTheLease)).isEqualTo(new RunLedger.Start.Started(2, 2));
        assertThat(ledger.update("acme", runId, first.epoch(), Map.of("message", "late"))).isFalse();
    }

    @Test
    void theAttemptCountsStartsNotDeliveriesOrReleases() {
        String runId = queuedRun("acme");
        var first = (RunLedger.Start.Started) ledger.start("acme", runId, "w1", 4, 1000, Map.of());
        assertThat(first.attempt()).as("a worker's own attempt number is not taken").isEqualTo(1);
        assertThat(startOnce(runId, "w2:topic-0@7#2", "w2", 2000)).isInstanceOf(RunLedger.HeldElsewhere.class);
        // A hand-back for a retry: QUEUED again, not started.
        assertThat(ledger.update("acme", runId, first.epoch(), Map.of("status", "QUEUED"))).isTrue();

        assertThat(startOnce(runId, "w3:topic-0@7#3", "w3", 3000)).isEqualTo(new RunLedger.Start.Started(2, 2));
        assertThat(tasks.run("acme", runId).orElseThrow()).containsEntry("attempt", "2");
    }

    @Test
    void aStartIndexesItsRunAndKeepsItsJobUntilTheRunEnds() {
        TenantKeys keys = new TenantKeys("acme");
        String runId = queuedRun("acme");
        var started = (RunLedger.Start.Started) startOnce(runId, "w1:topic-0@7#1", "w1", 1000);
        assertThat(redis.zscore(keys.inflight(), runId)).as("scored by the lease").isEqualTo(31000.0);
        assertThat(redis.sismember(TenantKeys.INFLIGHT_TENANTS, "acme")).isTrue();
        assertThat(redis.hget(keys.run(runId), "job")).isEqualTo("{\"runId\":\"" + runId + "\"}");

        assertThat(ledger.renew("acme", runId, started.epoch())).isTrue();
        assertThat(redis.zscore(keys.inflight(), runId)).as("a renewal leaves the index be").isEqualTo(31000.0);

        assertThat(ledger.finish("acme", runId, started.epoch(), RunStatus.COMPLETED, 5000, Map.of(), Map.of())).isTrue();
        assertThat(redis.zscore(keys.inflight(), runId)).isNull();
        assertThat(redis.hexists(keys.run(runId), "job")).isFalse();
    }

    @Test
    void startAllTakesNoTokenItsRunsCannotBeHeldElsewhere() {
        String runId = queuedRun("acme");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.startAll(List.of(request("acme", runId, "t")),
                "w", 1000)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startUnlessHeld");
    }

    @Test
    void aNameIsTakenOncePerTenantOnly() {
        var a = tasks.submit("t1", "same", 1, Map.of("id", "a1"), null);
        var b = tasks.submit("t1", "same", 1, Map.of("id", "b1"), null);
        var c = tasks.submit("t2", "same", 1, Map.of("id", "c1"), null);
        assertThat(a.created()).isTrue();
        assertThat(b).isEqualTo(new TaskStore.Submitted(false, "a1"));
        assertThat(c.created()).isTrue();
        tasks.unsubmit("t1", "same", "a1");
        assertThat(tasks.submit("t1", "same", 1, Map.of("id", "d1"), null).created()).isTrue();
        assertThat(tasks.task("t1", "a1")).isEmpty();
    }
}
