package io.trainyard.common.flow;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;

/**
 * The flow-control defaults of a deployment, for keys and tenants with no limit stored of their own.
 *
 * @param concurrencyPerKey runs of one concurrency key RUNNING at once; 0 for no limit
 * @param tenantRate jobs per second one tenant may start; 0 for no limit
 * @param keyRate jobs per second one concurrency key may start; 0 for no limit
 * @param reservationMs how long an admitted run that has not started yet keeps its slot (the run lease)
 * @param publishDeadlineMs how long a job handed back for publishing may wait before the reconciler publishes it
 */
public record FlowLimits(int concurrencyPerKey, double tenantRate, double keyRate, long reservationMs,
                         long publishDeadlineMs) {
    public FlowLimits {
        if (concurrencyPerKey < 0 || tenantRate < 0 || keyRate < 0 || reservationMs < 1 || publishDeadlineMs < 1) {
            throw new IllegalArgumentException("flow limits must not be negative, times must be positive");
        }
    }

    /** For a service that only pauses, resumes and stores limits: no defaults of its own. */
    public static FlowLimits handBackOnly(long publishDeadlineMs) {
        return new FlowLimits(0, 0, 0, publishDeadlineMs, publishDeadlineMs);
    }

    /** The configured defaults; an admitted run keeps its slot, and a handed-back job waits, for up to {@code leaseMs}. */
    public static FlowLimits of(ConfigTable config, long leaseMs) {
        return new FlowLimits(config.get(CommonSettings.FLOW_CONCURRENCY_PER_KEY),
                config.get(CommonSettings.FLOW_RATE_PER_TENANT), config.get(CommonSettings.FLOW_RATE_PER_KEY),
                leaseMs, leaseMs);
    }
}
