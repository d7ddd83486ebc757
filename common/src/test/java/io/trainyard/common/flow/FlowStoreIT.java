package io.trainyard.common.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.Ids;
import io.trainyard.common.flow.FlowStore.Admission;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.Priority;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealRedis;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/** {@code flow.lua} against a real redis-server, on a clock the test moves. */
@ExtendWith(RealRedis.class)
class FlowStoreIT {
    private static final long LEASE = 10_000;
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private JedisPooled redis;
    private FlowStore flows;
    private String tenant;

    @BeforeEach
    void open() {
        redis = RealRedis.client();
        flows = new FlowStore(redis, new FlowLimits(0, 0, 0, LEASE, LEASE), clock);
        tenant = "flow-" + Ids.next();
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private JobMessage job(String key) {
        String runId = Ids.next();
        return new JobMessage(JobMessage.SCHEMA_VERSION, runId, "t-" + runId, tenant, JobType.NOOP, null, null, null, 0,
                1, now.get(), null, key, null, null);
    }

    private List<Admission> admit(List<JobMessage> jobs) {
        return flows.admit(jobs, jobs.stream().map(Json::write).toList());
    }

    /** What a worker's start writes: RUNNING under a lease. */
    private void running(JobMessage job, long leaseUntil) {
        redis.hset(new TenantKeys(tenant).run(job.runId()), Map.of("status", "RUNNING", "leaseUntil",
                Long.toString(leaseUntil)));
    }

    @Test
    void jobsOverTheLimitWaitAndAreHandedBackInOrderAsSlotsFree() {
        flows.limit(tenant, "db", 2);
        List<JobMessage> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(job("db"));
        }
        assertThat(admit(jobs)).containsExactly(Admission.START, Admission.START, Admission.WAITING,
                Admission.WAITING, Admission.WAITING);
        running(jobs.get(0), now.get() + LEASE);
        running(jobs.get(1), now.get() + LEASE);

        List<FlowStore.Release> promoted = flows.release(tenant, "db", jobs.get(0).runId());
        assertThat(promoted).extracting(FlowStore.Release::runId).containsExactly(jobs.get(2).runId());
        assertThat(promoted.getFirst().topic()).isEqualTo(Topics.jobsTopicFor(JobType.NOOP) + ".high");
        assertThat(flows.keyState(tenant, "db")).isEqualTo(new FlowStore.KeyState(2, 2));
        // The promoted job comes back: it holds its reserved slot.
        assertThat(admit(List.of(jobs.get(2)))).containsExactly(Admission.START);
    }

    @Test
    void aHolderWhoseWorkerDiedFreesItsSlotOnceItsLeaseRanOut() {
        flows.limit(tenant, "gpu", 1);
        JobMessage holder = job("gpu");
        JobMessage waiter = job("gpu");
        assertThat(admit(List.of(holder, waiter))).containsExactly(Admission.START, Admission.WAITING);
        running(holder, now.get() + LEASE);
        assertThat(flows.release(tenant, "gpu", null)).isEmpty();
        assertThat(flows.waitingKeys(tenant)).containsExactly("gpu");
        assertThat(flows.parkedTenants()).contains(tenant);

        now.addAndGet(LEASE + 1);
        assertThat(flows.release(tenant, "gpu", null)).extracting(FlowStore.Release::runId)
                .containsExactly(waiter.runId());
        // The dead holder's record comes back: it queues behind, its run QUEUED under a new epoch.
        assertThat(admit(List.of(holder))).containsExactly(Admission.WAITING);
        assertThat(redis.hget(new TenantKeys(tenant).run(holder.runId()), "status")).isEqualTo("QUEUED");
    }

    @Test
    void aPauseParksJobsOnceEachAndTheResumeHandsThemBackOldestFirst() {
        flows.pause(tenant, null);
        List<JobMessage> jobs = List.of(job(null), job(null), job(null));
        assertThat(admit(jobs)).containsOnly(Admission.PAUSED);
        assertThat(admit(List.of(jobs.get(1)))).containsOnly(Admission.PAUSED);
        assertThat(flows.pausedJobs(tenant, null)).isEqualTo(4); // no run record: a redelivery cannot be told apart
        assertThat(flows.resume(tenant, null)).extracting(FlowStore.Release::runId).containsExactly(
                jobs.get(0).runId(), jobs.get(1).runId(), jobs.get(2).runId(), jobs.get(1).runId());
        assertThat(admit(jobs)).containsOnly(Admission.START);
    }

    @Test
    void aRateLimitReservesEachJobsTimeAndHandsItBackWhenDue() {
        flows.rate(tenant, FlowKeys.WHOLE_QUEUE, 2.0);
        List<JobMessage> jobs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            jobs.add(job(null));
            redis.hset(new TenantKeys(tenant).run(jobs.get(i).runId()), "status", "QUEUED");
        }
        // A second's tokens at once, then one every 500 ms.
        assertThat(admit(jobs)).containsExactly(Admission.START, Admission.START, Admission.DELAYED,
                Admission.DELAYED, Admission.DELAYED, Admission.DELAYED);
        assertThat(flows.due(tenant, 100)).isEmpty();
        now.addAndGet(500);
        List<FlowStore.Release> due = flows.due(tenant, 100);
        assertThat(due).extracting(FlowStore.Release::runId).containsExactly(jobs.get(2).runId());
        // Its token is spent: it goes ahead of the backlog it was parked from.
        assertThat(due.getFirst().topic()).isEqualTo(Topics.jobsTopicFor(JobType.NOOP, Priority.HIGH));
        now.addAndGet(1_000);
        assertThat(flows.due(tenant, 100)).extracting(FlowStore.Release::runId)
                .containsExactly(jobs.get(3).runId(), jobs.get(4).runId());
        // A job handed back has its token: it starts without taking another.
        assertThat(admit(List.of(jobs.get(2)))).containsExactly(Admission.START);
    }

    @Test
    void jobsHandedBackLateStartNoFasterThanTheRateAfterABurst() {
        flows.rate(tenant, FlowKeys.WHOLE_QUEUE, 2.0);
        List<JobMessage> jobs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            jobs.add(job(null));
            redis.hset(new TenantKeys(tenant).run(jobs.get(i).runId()), "status", "QUEUED");
        }
        assertThat(admit(jobs)).containsExactly(Admission.START, Admission.START, Admission.DELAYED,
                Admission.DELAYED, Admission.DELAYED, Admission.DELAYED, Admission.DELAYED, Admission.DELAYED);
        // Due at +0.5 s, +1 s, ... +3 s; handed back only at +10 s (a stall), all at once.
        now.addAndGet(10_000);
        List<JobMessage> late = jobs.subList(2, 8);
        assertThat(flows.due(tenant, 100)).extracting(FlowStore.Release::runId)
                .containsExactlyElementsOf(late.stream().map(JobMessage::runId).toList());
        // A second's burst starts; the rest wait for the start rate, in order, their tokens kept.
        assertThat(admit(late)).containsExactly(Admission.START, Admission.START, Admission.DELAYED,
                Admission.DELAYED, Admission.DELAYED, Admission.DELAYED);
        now.addAndGet(499);
        assertThat(flows.due(tenant, 100)).isEmpty();
        now.addAndGet(1);
        List<FlowStore.Release> next = flows.due(tenant, 100);
        assertThat(next).extracting(FlowStore.Release::runId).containsExactly(late.get(2).runId());
        // Its start time was reserved too: it starts when it comes back, however late.
        now.addAndGet(5_000);
        assertThat(admit(List.of(late.get(2)))).containsExactly(Admission.START);
    }
}
