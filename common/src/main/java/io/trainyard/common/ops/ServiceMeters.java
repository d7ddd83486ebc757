package io.trainyard.common.ops;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The Prometheus registry every service starts from: JVM memory, GC, threads, class loading,
 * process CPU and uptime, and the conventions for Kafka client metrics ({@link KafkaClientMeters}).
 * Kept in one place so every service's /metrics passes {@code promtool check metrics}.
 */
public final class ServiceMeters {
    private ServiceMeters() {}

    public static PrometheusMeterRegistry create() {
        return create(Tags.empty());
    }

    /** A registry whose every meter carries {@code commonTags} (set before any meter exists). */
    public static PrometheusMeterRegistry create(Tags commonTags) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags(commonTags);
        // Two of Micrometer's names break Prometheus conventions: process.cpu.time is in
        // nanoseconds (process_cpu_time_ns_total; process_cpu_usage carries the same signal) and
        // system.cpu.count is a gauge ending in _count (read the cores from the node instead).
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("system.cpu.count"));
        KafkaClientMeters.conventions().forEach(registry.config()::meterFilter);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }
}
