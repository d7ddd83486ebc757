package io.trainyard.worker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunStatus;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The worker's meters. Names (Prometheus form in brackets): {@code trainyard.worker.runs.started}
 * [trainyard_worker_runs_started_total{type}], {@code trainyard.worker.runs.finished}
 * [..._finished_total{type,status}], {@code trainyard.worker.run.duration} [histogram
 * {type,status}], {@code trainyard.worker.pickup.latency} [histogram {type}: job creation to run
 * start], {@code trainyard.worker.slots.busy} and {@code trainyard.worker.slots} (the total), {@code trainyard.worker.dlq.sends}
 * [{reason}], {@code trainyard.worker.retries} [{type}], {@code trainyard.worker.runs.skipped}
 * [{type,reason}: deliveries of runs that had ended already].
 */
public final class WorkerMetrics {
    private final MeterRegistry registry;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void slots(IntSupplier busy, int total) {
        Gauge.builder("trainyard.worker.slots.busy", busy::getAsInt).description("Slots running a job").register(registry);
        Gauge.builder("trainyard.worker.slots", () -> total).description("Slots of this worker").register(registry);
    }

    public void started(JobType type, long pickupLatencyMillis) {
        Counter.builder("trainyard.worker.runs.started").description("Runs this worker started").tag("type", type.name()).register(registry).increment();
        if (pickupLatencyMillis >= 0) {
            Timer.builder("trainyard.worker.pickup.latency").tag("type", type.name())
                    .description("From job creation to run start").publishPercentileHistogram()
                    .register(registry).record(Duration.ofMillis(pickupLatencyMillis));
        }
    }

    public void finished(JobType type, RunStatus status, long durationMillis) {
        Counter.builder("trainyard.worker.runs.finished").description("Runs this worker ended, by terminal status")
                .tag("type", type.name()).tag("status", status.name())
                .register(registry).increment();
        if (durationMillis >= 0) {
            Timer.builder("trainyard.worker.run.duration").description("From run start to its terminal status")
                    .tag("type", type.name()).tag("status", status.name())
                    .publishPercentileHistogram().register(registry).record(Duration.ofMillis(durationMillis));
        }
    }

    /** A delivery that was not run: the run had ended already (or was cancelled before it started). */
    public void skipped(JobType type, String reason) {
        Counter.builder("trainyard.worker.runs.skipped").description("Deliveries not run: the run had ended or was cancelled")
                .tag("type", type.name()).tag("reason", reason)
                .register(registry).increment();
    }

    public void retried(JobType type) {
        Counter.builder("trainyard.worker.retries").description("Runs handed back for another attempt")
                .tag("type", type.name()).register(registry).increment();
    }

    public void deadLettered(String reasonKind) {
        Counter.builder("trainyard.worker.dlq.sends").description("Records sent to trainyard.jobs.dlq")
                .tag("reason", reasonKind).register(registry).increment();
    }
}
