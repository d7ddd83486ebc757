package io.trainyard.scheduler.internal.reconcile;

import java.util.Locale;

/** What the reconciler did with a run it claimed; the tag of {@code trainyard_scheduler_reconciled_total}. */
public enum ReconcileOutcome {
    /** Its worker stopped renewing its lease and it had starts left: queued again, its job published. */
    REQUEUED,
    /** Its worker stopped renewing its lease and it had no start left: ended FAILED, dead-lettered. */
    FAILED,
    /** It was queued, but its job had not reached Kafka by the deadline: published. */
    PUBLISHED,
    /** Its worker stopped renewing its lease while a cancel was pending: ended CANCELLED. */
    CANCELLED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
