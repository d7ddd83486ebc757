package io.trainyard.ingress.submit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts submissions by dialect, type and outcome, and task-name conflicts. */
public final class SubmitMetrics {
    private final MeterRegistry registry;

    public SubmitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void outcome(SubmitRequest r, String outcome) {
        Counter.builder("trainyard.ingress.submissions")
                .description("Submissions by dialect, job type and outcome")
                .tag("dialect", r.dialect()).tag("type", r.type().name()).tag("outcome", outcome)
                .register(registry).increment();
        if (outcome.equals("duplicate")) {
            Counter.builder("trainyard.ingress.name.conflicts")
                    .description("Submits refused because the tenant already uses the task name")
                    .tag("dialect", r.dialect())
                    .register(registry).increment();
        }
    }
}
