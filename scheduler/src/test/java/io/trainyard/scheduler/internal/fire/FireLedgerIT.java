package io.trainyard.scheduler.internal.fire;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.Ids;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.TaskStore;
import io.trainyard.scheduler.Schedules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

@ExtendWith(RealRedis.class)
class FireLedgerIT {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant FIRE = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(15);

    private final JedisPooled redis = RealRedis.client();
    private final FireLedger ledger = new FireLedger(redis);
    private final TaskStore tasks = new TaskStore(redis);
    private String tenant;
    private String taskId;

    @BeforeEach
    void task() {
        tenant = "t-" + Ids.next();
        taskId = Ids.next();
        tasks.submit(tenant, "nightly", 0, new java.util.HashMap<>(Map.of("id", taskId, "name", "nightly")), null);
    }

    private ScheduleDefinition schedule(OverlapPolicy overlap) {
        return Schedules.cron(tenant, taskId, "@hourly", CREATED, overlap, null);
    }

    private FireLedger.Claim claim(OverlapPolicy overlap, Instant fire) {
        return ledger.claim(new FireLedger.FireClaim(schedule(overlap), fire, Ids.next(), TTL), fire, "it");
    }

    private void setStatus(String runId, String status) {
        redis.hset(new TenantKeys(tenant).run(runId), "status", status);
    }

    @Test
    void aFireIsClaimedOnceAndCreatesOneRun() {
        FireLedger.Claim first = claim(OverlapPolicy.ALLOW, FIRE);
        FireLedger.Claim again = claim(OverlapPolicy.ALLOW, FIRE);
        assertThat(first.kind()).isEqualTo(FireLedger.Claim.Kind.CREATED);
        assertThat(again).isEqualTo(new FireLedger.Claim(FireLedger.Claim.Kind.ALREADY_CLAIMED, first.detail()));
        assertThat(tasks.runIds(tenant, taskId)).containsExactly(first.detail());
        assertThat(tasks.run(tenant, first.detail()).orElseThrow()).containsEntry("status", "QUEUED");
        assertThat(ledger.lastFireAt(tenant, taskId)).contains(FIRE);
        long ttl = redis.pttl(FireLedger.claimKey(tenant, taskId, FIRE));
        assertThat(ttl).isBetween(TTL.toMillis() - 5_000, TTL.toMillis());
    }

    @Test
    void aTaskListsItsLatestRunsAndTheOlderEndedOnesAreRemoved() {
        FireLedger shortHistory = new FireLedger(redis, 3);
        TenantKeys keys = new TenantKeys(tenant);
        List<String> runs = new java.util.ArrayList<>();
        for (int hour = 0; hour < 5; hour++) {
            Instant fire = FIRE.plusSeconds(3600L * hour);
            String runId = shortHistory.claim(new FireLedger.FireClaim(schedule(OverlapPolicy.ALLOW), fire, Ids.next(),
                    TTL), fire, "it").detail();
            runs.add(runId);
            // The first run never ends; the others end as soon as they are queued.
            setStatus(runId, hour == 0 ? "RUNNING" : "COMPLETED");
        }
        assertThat(tasks.runIds(tenant, taskId)).containsExactlyElementsOf(runs.subList(2, 5));
        assertThat(redis.exists(keys.run(runs.get(1)))).as("ended and out of the list: removed").isFalse();
        assertThat(redis.hget(keys.run(runs.get(0)), "status")).as("still running: kept until it ends")
                .isEqualTo("RUNNING");
    }

    @Test
    void skipWhileAnEarlierRunIsUnfinished() {
        String running = claim(OverlapPolicy.SKIP, FIRE).detail();
        setStatus(running, "RUNNING");
        Instant next = FIRE.plusSeconds(3600);
        assertThat(claim(OverlapPolicy.SKIP, next)).isEqualTo(new FireLedger.Claim(FireLedger.Claim.Kind.SKIPPED, running));
        assertThat(claim(OverlapPolicy.SKIP, next).kind()).isEqualTo(FireLedger.Claim.Kind.ALREADY_CLAIMED);
        assertThat(tasks.task(tenant, taskId).orElseThrow())
                .containsEntry("skippedFires", "1")
                .containsEntry("lastSkippedFire", Long.toString(next.toEpochMilli()))
                .containsEntry("lastFireAt", Long.toString(next.toEpochMilli()));
        setStatus(running, "COMPLETED");
        assertThat(claim(OverlapPolicy.SKIP, next.plusSeconds(3600)).kind()).isEqualTo(FireLedger.Claim.Kind.CREATED);
    }

    @Test
    void allowQueuesDespiteAnUnfinishedRun() {
        claim(OverlapPolicy.ALLOW, FIRE);
        assertThat(claim(OverlapPolicy.ALLOW, FIRE.plusSeconds(1)).kind()).isEqualTo(FireLedger.Claim.Kind.CREATED);
        assertThat(tasks.runIds(tenant, taskId)).hasSize(2);
    }

    @Test
    void queueOneHoldsWithoutWritingUntilTheEarlierRunEnds() {
        String queued = claim(OverlapPolicy.QUEUE_ONE, FIRE).detail();
        Instant next = FIRE.plusSeconds(3600);
        assertThat(claim(OverlapPolicy.QUEUE_ONE, next)).isEqualTo(new FireLedger.Claim(FireLedger.Claim.Kind.BUSY, queued));
        assertThat(redis.exists(FireLedger.claimKey(tenant, taskId, next))).isFalse();
        setStatus(queued, "FAILED");
        assertThat(claim(OverlapPolicy.QUEUE_ONE, next).kind()).isEqualTo(FireLedger.Claim.Kind.CREATED);
    }

    @Test
    void aDeletedTaskGetsNoRun() {
        redis.del(new TenantKeys(tenant).task(taskId));
        assertThat(claim(OverlapPolicy.ALLOW, FIRE).kind()).isEqualTo(FireLedger.Claim.Kind.NO_TASK);
        assertThat(tasks.runIds(tenant, taskId)).isEmpty();
    }

    @Test
    void claimsSentInOneRoundTripAreEachAtomicAndAnsweredInOrder() {
        String otherTask = Ids.next();
        String first = Ids.next();
        String again = Ids.next();
        String orphan = Ids.next();
        redis.scriptFlush();
        List<FireLedger.Claim> claims = ledger.claimAll(List.of(fireClaim(taskId, FIRE, first),
                fireClaim(taskId, FIRE, again), fireClaim(otherTask, FIRE, orphan)), FIRE.plusMillis(3), "it-instance");
        assertThat(claims).containsExactly(new FireLedger.Claim(FireLedger.Claim.Kind.CREATED, first),
                new FireLedger.Claim(FireLedger.Claim.Kind.ALREADY_CLAIMED, first),
                new FireLedger.Claim(FireLedger.Claim.Kind.NO_TASK, ""));
        assertThat(tasks.runIds(tenant, taskId)).containsExactly(first);
        assertThat(tasks.run(tenant, first).orElseThrow()).containsOnly(Map.entry("id", first),
                Map.entry("tasksID", taskId), Map.entry("tenant", tenant), Map.entry("type", "NOOP"),
                Map.entry("taskName", "task-" + taskId), Map.entry("status", "QUEUED"),
                Map.entry("message", "Queued by the scheduler"), Map.entry("timeoutSeconds", "0"),
                Map.entry("queuedAt", Long.toString(FIRE.toEpochMilli() + 3)),
                Map.entry("fireTime", Long.toString(FIRE.toEpochMilli())), Map.entry("scheduledBy", "it-instance"));
        assertThat(ledger.lastFiresAt(List.of(schedule(OverlapPolicy.ALLOW),
                Schedules.cron(tenant, otherTask, "@hourly", CREATED, OverlapPolicy.ALLOW, null))))
                .containsExactly(Optional.of(FIRE), Optional.empty());
    }

    @Test
    void firesOfSeveralTenantsAreClaimedEachUnderItsOwnTenant() {
        String otherTenant = "t-" + Ids.next();
        String otherTask = Ids.next();
        tasks.submit(otherTenant, "nightly", 0, new java.util.HashMap<>(Map.of("id", otherTask, "name", "nightly")), null);
        String mine = Ids.next();
        String theirs = Ids.next();
        List<FireLedger.Claim> claims = ledger.claimAll(List.of(fireClaim(taskId, FIRE, mine),
                new FireLedger.FireClaim(Schedules.cron(otherTenant, otherTask, "@hourly", CREATED, OverlapPolicy.SKIP,
                        null), FIRE, theirs, TTL)), FIRE, "it-instance");
        assertThat(claims).extracting(FireLedger.Claim::kind).containsOnly(FireLedger.Claim.Kind.CREATED);
        assertThat(tasks.runIds(otherTenant, otherTask)).containsExactly(theirs);
        assertThat(tasks.run(otherTenant, theirs).orElseThrow()).containsEntry("tenant", otherTenant);
    }

    @Test
    void aFireRedisRefusesFailsAloneAndNamesWhy() {
        String broken = Ids.next();
        tasks.submit(tenant, "broken", 0, new java.util.HashMap<>(Map.of("id", broken, "name", "broken")), null);
        redis.set(new TenantKeys(tenant).taskRuns(broken), "not a list");
        List<FireLedger.Claim> claims = ledger.claimAll(List.of(fireClaim(broken, FIRE, Ids.next()),
                fireClaim(taskId, FIRE, Ids.next())), FIRE, "it-instance");
        assertThat(claims.get(0).kind()).isEqualTo(FireLedger.Claim.Kind.ERROR);
        assertThat(claims.get(0).detail()).contains("WRONGTYPE");
        assertThat(claims.get(1).kind()).isEqualTo(FireLedger.Claim.Kind.CREATED);
    }

    private FireLedger.FireClaim fireClaim(String task, Instant fire, String runId) {
        return new FireLedger.FireClaim(Schedules.cron(tenant, task, "@hourly", CREATED, OverlapPolicy.ALLOW, null),
                fire, runId, TTL);
    }

    @Test
    void missedFiresAddUpAndTheLatestOnlyMovesForward() {
        ledger.recordMissed(tenant, taskId, 5, FIRE);
        ledger.recordMissed(tenant, taskId, 2, FIRE.minusSeconds(60));
        assertThat(tasks.task(tenant, taskId).orElseThrow())
                .containsEntry("missedFires", "7")
                .containsEntry("lastMissedFire", Long.toString(FIRE.toEpochMilli()))
                .containsEntry("lastFireAt", Long.toString(FIRE.toEpochMilli()));
    }

    @Test
    void anUnqueuedRunEndsFailed() {
        String runId = claim(OverlapPolicy.ALLOW, FIRE).detail();
        ledger.markUnqueued(tenant, runId, "broker down", FIRE);
        assertThat(tasks.run(tenant, runId).orElseThrow())
                .containsEntry("status", "FAILED")
                .containsEntry("message", "Not queued: broker down");
    }
}
