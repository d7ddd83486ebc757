package io.trainyard.scheduler.fire;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.Ids;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.store.TaskStore;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.Schedules;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
        String runId = Ids.next();
        return ledger.claim(schedule(overlap), fire, Map.of("id", runId, "status", "QUEUED", "tasksID", taskId,
                "fireTime", Long.toString(fire.toEpochMilli())), TTL);
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
