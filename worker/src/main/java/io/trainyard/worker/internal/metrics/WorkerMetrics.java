package io.trainyard.worker.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * The worker's meters. Names (Prometheus form in brackets): {@code trainyard.worker.runs.started}
 * [trainyard_worker_runs_started_total{type}], {@code trainyard.worker.runs.finished}
 * [..._finished_total{type,status}], {@code trainyard.worker.run.duration} [histogram
 * {type,status}], {@code trainyard.worker.pickup.latency} [histogram {type}: job creation to run
 * start], {@code trainyard.worker.slots.busy} and {@code trainyard.worker.slots} (the total),
 * {@code trainyard.worker.lanes} (share consumers), {@code trainyard.worker.lock.renewals}
 * [RENEW acknowledgements], {@code trainyard.worker.records.handed.back} [records given back unrun],
 * {@code trainyard.worker.dlq.sends} [{reason}],
 * {@code trainyard.worker.retries} [{type}], {@code trainyard.worker.runs.skipped}
 * [{type,reason}: deliveries of runs that had ended already].
 *
 * <p>Each meter is built on its first use and kept: a finished job costs a map lookup and an
 * increment, not a builder and a registry lookup.
 */
public final class WorkerMetrics {
    private static final int TYPES = JobType.values().length;
    private static final int STATUSES = RunStatus.values().length;

    private final MeterRegistry registry;
    private final Counter[] started = new Counter[TYPES];
    private final Timer[] pickup = new Timer[TYPES];
    private final Counter[] finished = new Counter[TYPES * STATUSES];
    private final Timer[] duration = new Timer[TYPES * STATUSES];
    private final Counter[] retried = new Counter[TYPES];
    private final Map<String, Counter> skipped = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<String, Counter> parked = new ConcurrentHashMap<>();
    private volatile Counter heartbeatFailures;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** {@code trainyard.worker.sandboxes.warm}: warm sandboxes waiting for a job, by profile. */
    public void warmSandboxes(java.util.function.ToIntFunction<String> waiting, java.util.List<String> profiles) {
        for (String profile : profiles) {
            Gauge.builder("trainyard.worker.sandboxes.warm", () -> waiting.applyAsInt(profile))
                    .description("Warm sandboxes waiting for a job").tag("profile", profile).register(registry);
        }
    }

    public void slots(IntSupplier busy, int total, int lanes) {
        Gauge.builder("trainyard.worker.slots.busy", busy::getAsInt).description("Slots running a job").register(registry);
        Gauge.builder("trainyard.worker.slots", () -> total).description("Slots of this worker").register(registry);
        Gauge.builder("trainyard.worker.lanes", () -> lanes).description("Share consumers of this worker, each "
                + "taking up to TRAINYARD_WORKER_BATCH records per poll").register(registry);
    }

    /** Counts RENEW acknowledgements from {@code owner}, which must stay reachable (Micrometer holds it weakly). */
    public <T> void handedBack(T owner, ToLongFunction<T> handedBack) {
        FunctionCounter.builder("trainyard.worker.records.handed.back", owner, o -> handedBack.applyAsLong(o))
                .description("Job records given back to the queue without being run (worker stopping, Redis out of reach)")
                .register(registry);
    }

    public <T> void renewals(T owner, ToLongFunction<T> renewals) {
        FunctionCounter.builder("trainyard.worker.lock.renewals", owner, o -> renewals.applyAsLong(o))
                .description("RENEW acknowledgements: records of long runs whose acquisition lock was extended")
                .register(registry);
    }

    public void started(JobType type, long pickupLatencyMillis) {
        int t = type.ordinal();
        Counter counter = started[t];
        if (counter == null) {
            counter = Counter.builder("trainyard.worker.runs.started").description("Runs this worker started")
                    .tag("type", type.name()).register(registry);
            started[t] = counter;
        }
        counter.increment();
        if (pickupLatencyMillis >= 0) {
            Timer timer = pickup[t];
            if (timer == null) {
                timer = Timer.builder("trainyard.worker.pickup.latency").tag("type", type.name())
                        .description("From job creation to run start").publishPercentileHistogram().register(registry);
                pickup[t] = timer;
            }
            timer.record(pickupLatencyMillis, TimeUnit.MILLISECONDS);
        }
    }

    public void finished(JobType type, RunStatus status, long durationMillis) {
        int i = type.ordinal() * STATUSES + status.ordinal();
        Counter counter = finished[i];
        if (counter == null) {
            counter = Counter.builder("trainyard.worker.runs.finished").description("Runs this worker ended, by terminal status")
                    .tag("type", type.name()).tag("status", status.name()).register(registry);
            finished[i] = counter;
        }
        counter.increment();
        if (durationMillis >= 0) {
            Timer timer = duration[i];
            if (timer == null) {
                timer = Timer.builder("trainyard.worker.run.duration").description("From run start to its terminal status")
                        .tag("type", type.name()).tag("status", status.name())
                        .publishPercentileHistogram().register(registry);
                duration[i] = timer;
            }
            timer.record(durationMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** A delivery that was not run: the run had ended already (or was cancelled before it started). */
    public void skipped(JobType type, String reason) {
        skipped.computeIfAbsent(type.name() + "/" + reason, k -> Counter.builder("trainyard.worker.runs.skipped")
                .description("Deliveries not run: the run had ended or was cancelled")
                .tag("type", type.name()).tag("reason", reason).register(registry)).increment();
    }

    public void retried(JobType type) {
        int t = type.ordinal();
        Counter counter = retried[t];
        if (counter == null) {
            counter = Counter.builder("trainyard.worker.retries").description("Runs handed back for another attempt")
                    .tag("type", type.name()).register(registry);
            retried[t] = counter;
        }
        counter.increment();
    }

    /** A running attempt's heartbeat could not reach Redis (its lease was not renewed this time). */
    public void heartbeatFailed() {
        Counter counter = heartbeatFailures;
        if (counter == null) {
            counter = Counter.builder("trainyard.worker.heartbeat.failures")
                    .description("Heartbeats of running attempts that could not reach Redis").register(registry);
            heartbeatFailures = counter;
        }
        counter.increment();
    }

    public void deadLettered(String reasonKind) {
        deadLettered.computeIfAbsent(reasonKind, k -> Counter.builder("trainyard.worker.dlq.sends")
                .description("Records sent to trainyard.jobs.dlq").tag("reason", k).register(registry)).increment();
    }

    /** A job parked by flow control ({@code paused}, {@code delayed} or {@code waiting}) instead of started. */
    public void parked(String why) {
        parked.computeIfAbsent(why, k -> Counter.builder("trainyard.worker.flow.parked")
                .description("Jobs parked in Redis by flow control instead of started").tag("reason", k)
                .register(registry)).increment();
    }
}
