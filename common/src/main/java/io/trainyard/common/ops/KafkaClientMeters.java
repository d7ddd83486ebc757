package io.trainyard.common.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Binds a Kafka client's own metrics (Micrometer's {@link KafkaClientMetrics}) to a service's
 * registry: {@code kafka_producer_*}, {@code kafka_consumer_*}, {@code kafka_admin_client_*}.
 * Their labels are the client id, Kafka version, broker node, topic and partition: fixed by the
 * deployment, never by a tenant. Close the returned binder before the client.
 */
public final class KafkaClientMeters {
    private KafkaClientMeters() {}

    public static KafkaClientMetrics bind(MeterRegistry registry, Producer<?, ?> producer) {
        return bound(registry, new KafkaClientMetrics(producer));
    }

    public static KafkaClientMetrics bind(MeterRegistry registry, Consumer<?, ?> consumer) {
        return bound(registry, new KafkaClientMetrics(consumer));
    }

    public static KafkaClientMetrics bind(MeterRegistry registry, AdminClient admin) {
        return bound(registry, new KafkaClientMetrics(admin));
    }

    private static KafkaClientMetrics bound(MeterRegistry registry, KafkaClientMetrics metrics) {
        metrics.bindTo(registry);
        return metrics;
    }

    /**
     * Filters that keep the Kafka clients' metrics within Prometheus conventions; a registry
     * needs them before the first client is bound ({@link ServiceMeters#create()} adds them).
     */
    static List<MeterFilter> conventions() {
        return List.of(
                // Nanosecond timings (io-time-ns-avg, ...) and the start time in ms: the *_ratio
                // gauges carry the same signal, and Prometheus names have no abbreviated units.
                kafkaDeny(name -> name.contains(".time.ns") || name.endsWith(".start.time.ms")),
                // Per-broker request latency comes without a description; the client-wide
                // request_latency_avg/max remain.
                kafkaDeny(name -> name.contains(".node.request.latency.")),
                // A gauge may not end in _count: connection-count becomes kafka_*_connections.
                new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        String name = id.getName();
                        return name.startsWith("kafka.") && name.endsWith(".connection.count")
                                ? id.withName(name.substring(0, name.length() - ".connection.count".length())
                                        + ".connections")
                                : id;
                    }
                },
                // The consumer reports per-partition lag twice: under the topic's name and under
                // a legacy form with dots made underscores. Trainyard's topics have dots only.
                new MeterFilter() {
                    @Override
                    public MeterFilterReply accept(Meter.Id id) {
                        String topic = id.getTag("topic");
                        return id.getName().startsWith("kafka.") && topic != null && topic.indexOf('_') >= 0
                                ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
                    }
                });
    }

    private static MeterFilter kafkaDeny(Predicate<String> name) {
        return MeterFilter.deny(id -> id.getName().startsWith("kafka.") && name.test(id.getName()));
    }
}
