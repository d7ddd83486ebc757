package io.trainyard.ingress.internal.submit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts submissions by dialect, type and outcome, and task-name conflicts. Each counter is
 * registered on first use and kept, so a submit increments a counter instead of building one.
 */
public final class SubmitMetrics {
    private record Key(String dialect, String type, String outcome) {}

    private final MeterRegistry registry;
    private final Map<Key, Counter> submissions = new ConcurrentHashMap<>();
    private final Map<String, Counter> conflicts = new ConcurrentHashMap<>();

    public SubmitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void outcome(SubmitRequest r, String outcome) {
        submissions.computeIfAbsent(new Key(r.dialect(), r.type().name(), outcome), k ->
                Counter.builder("trainyard.ingress.submissions")
                        .description("Submissions by dialect, job type and outcome")
                        .tag("dialect", k.dialect()).tag("type", k.type()).tag("outcome", k.outcome())
                        .register(registry)).increment();
        if (outcome.equals("duplicate")) {
            conflicts.computeIfAbsent(r.dialect(), dialect ->
                    Counter.builder("trainyard.ingress.name.conflicts")
                            .description("Submits refused because the tenant already uses the task name")
                            .tag("dialect", dialect)
                            .register(registry)).increment();
        }
    }
}
