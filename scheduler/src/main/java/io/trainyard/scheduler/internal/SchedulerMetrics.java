package io.trainyard.scheduler.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trainyard.scheduler.internal.canary.CanaryOutcome;
import io.trainyard.scheduler.internal.fire.FireOutcome;
import io.trainyard.scheduler.internal.reconcile.ReconcileOutcome;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The scheduler's meters. In Prometheus: {@code trainyard_scheduler_schedules_owned},
 * {@code trainyard_scheduler_partitions_owned}, {@code trainyard_scheduler_fires_total{outcome}},
 * {@code trainyard_scheduler_fires_missed_total}, {@code trainyard_scheduler_fires_skipped_total},
 * {@code trainyard_scheduler_fire_lateness_seconds} (histogram),
 * {@code trainyard_scheduler_records_invalid_total},
 * {@code trainyard_scheduler_canaries_total{outcome=published|taken|failed}} and
 * {@code trainyard_scheduler_reconciled_total{outcome=requeued|failed|published|cancelled}}.
 */
public final class SchedulerMetrics {
    private final MeterRegistry registry;
    private final Map<FireOutcome, Counter> fires = new EnumMap<>(FireOutcome.class);
    private final Counter missed;
    private final Counter skipped;
    private final Counter invalid;
    private final Timer lateness;
    private final Map<CanaryOutcome, Counter> canaries = new EnumMap<>(CanaryOutcome.class);
    private final Map<ReconcileOutcome, Counter> reconciled = new EnumMap<>(ReconcileOutcome.class);

    public SchedulerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (FireOutcome outcome : FireOutcome.values()) {
            fires.put(outcome, Counter.builder("trainyard.scheduler.fires")
                    .description("Due fires, by what became of them")
                    .tag("outcome", outcome.tag()).register(registry));
        }
        missed = Counter.builder("trainyard.scheduler.fires.missed")
                .description("Fire times missed by more than the catch-up window; never run").register(registry);
        skipped = Counter.builder("trainyard.scheduler.fires.skipped")
                .description("Fire times skipped by the overlap policy").register(registry);
        invalid = Counter.builder("trainyard.scheduler.records.invalid")
                .description("Schedule records that could not be read; their key is dropped").register(registry);
        lateness = Timer.builder("trainyard.scheduler.fire.lateness")
                .description("From a fire's scheduled time to the claim of its run")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        for (CanaryOutcome outcome : CanaryOutcome.values()) {
            canaries.put(outcome, Counter.builder("trainyard.scheduler.canaries")
                    .description("Canary intervals, by outcome: this instance published the no-op job, another "
                            + "instance had the interval, or the job could not be queued")
                    .tag("outcome", outcome.tag()).register(registry));
        }
        for (ReconcileOutcome outcome : ReconcileOutcome.values()) {
            reconciled.put(outcome, Counter.builder("trainyard.scheduler.reconciled")
                    .description("Runs no worker or scheduler held any more, by what the reconciler did: queued "
                            + "again, ended FAILED and dead-lettered, their job published, or ended CANCELLED")
                    .tag("outcome", outcome.tag()).register(registry));
        }
    }

    /** Registers the ownership gauges; read on each scrape. */
    public void ownership(Supplier<Number> schedules, Supplier<Number> partitions) {
        Gauge.builder("trainyard.scheduler.schedules.owned", schedules)
                .description("Schedules on the partitions this instance owns").register(registry);
        Gauge.builder("trainyard.scheduler.partitions.owned", partitions)
                .description("Partitions of trainyard.schedules this instance owns").register(registry);
    }

    public void fire(FireOutcome outcome) {
        fires.get(outcome).increment();
        if (outcome == FireOutcome.SKIPPED) {
            skipped.increment();
        }
    }

    public void latenessMillis(long late) {
        lateness.record(Math.max(0, late), TimeUnit.MILLISECONDS);
    }

    public void missed(long count) {
        missed.increment(count);
    }

    public void skipped(long count) {
        skipped.increment(count);
    }

    public void invalidRecord() {
        invalid.increment();
    }

    public void canary(CanaryOutcome outcome) {
        canaries.get(outcome).increment();
    }

    public void reconciled(ReconcileOutcome outcome) {
        reconciled.get(outcome).increment();
    }
}
