package io.trainyard.worker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import io.trainyard.worker.poll.ShareGroupPoller;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * A handful of the share consumers' own metrics ({@code KafkaShareConsumer#metrics()}), which
 * Micrometer's Kafka binder does not cover, summed or maxed over the worker's lanes so that the
 * series do not multiply with them:
 *
 * <ul>
 *   <li>{@code kafka_share_consumer_records_consumed_total}: records acquired;
 *   <li>{@code kafka_share_consumer_fetches_total}: share fetch requests;
 *   <li>{@code kafka_share_consumer_acknowledgements_sent_total} and {@code ..._errors_total};
 *   <li>{@code kafka_share_consumer_fetch_records}: records per fetch, averaged over the lanes (how
 *       well the batching works);
 *   <li>{@code kafka_share_consumer_fetch_latency_max_seconds}: the slowest lane's slowest fetch;
 *   <li>{@code kafka_share_consumer_poll_interval_max_seconds} and
 *       {@code kafka_share_consumer_last_poll_age_seconds}: the longest a lane went without polling
 *       (a lane whose jobs all run polls again only when they end or need renewing).
 * </ul>
 */
public final class ShareConsumerMeters {
    private enum Combine { SUM, MAX, MEAN }

    private ShareConsumerMeters() {}

    /**
     * Reads the lanes' current consumers on every scrape. The poller must stay reachable while the
     * registry is used (Micrometer holds it weakly); the worker keeps it.
     */
    public static void bind(MeterRegistry registry, ShareGroupPoller consumers) {
        counter(registry, consumers, "kafka.share.consumer.records.consumed", "records-consumed-total",
                "Records the worker's share consumers acquired");
        counter(registry, consumers, "kafka.share.consumer.fetches", "fetch-total",
                "Share fetch requests of the worker's share consumers");
        counter(registry, consumers, "kafka.share.consumer.acknowledgements.sent", "acknowledgements-send-total",
                "Record acknowledgements the worker's share consumers sent");
        counter(registry, consumers, "kafka.share.consumer.acknowledgements.errors", "acknowledgements-error-total",
                "Record acknowledgements the broker refused");
        gauge(registry, consumers, "kafka.share.consumer.fetch.records", null, "records-per-request-avg",
                Combine.MEAN, 1, "Records per share fetch, averaged over the lanes");
        gauge(registry, consumers, "kafka.share.consumer.fetch.latency.max", "seconds", "fetch-latency-max",
                Combine.MAX, 0.001, "Slowest share fetch of any lane (recent window)");
        gauge(registry, consumers, "kafka.share.consumer.poll.interval.max", "seconds", "time-between-poll-max",
                Combine.MAX, 0.001, "Longest time between two polls of any lane (recent window)");
        gauge(registry, consumers, "kafka.share.consumer.last.poll.age", "seconds", "last-poll-seconds-ago",
                Combine.MAX, 1, "Time since the least recent poll of any lane");
    }

    private static void counter(MeterRegistry registry, ShareGroupPoller consumers, String name, String kafkaName,
                                String description) {
        FunctionCounter.builder(name, consumers, c -> read(c.consumerMetrics(), kafkaName, Combine.SUM, 1))
                .description(description).register(registry);
    }

    private static void gauge(MeterRegistry registry, ShareGroupPoller consumers, String name, String baseUnit,
                              String kafkaName, Combine combine, double scale, String description) {
        Gauge.builder(name, consumers, c -> read(c.consumerMetrics(), kafkaName, combine, scale))
                .baseUnit(baseUnit).description(description).register(registry);
    }

    /** The client-wide value of {@code kafkaName} (not a per-topic or per-node one) of each consumer, combined. */
    private static double read(List<Map<MetricName, ? extends Metric>> consumers, String kafkaName, Combine combine,
                               double scale) {
        double sum = 0;
        double max = Double.NaN;
        int n = 0;
        for (Map<MetricName, ? extends Metric> metrics : consumers) {
            for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
                MetricName id = e.getKey();
                if (!id.name().equals(kafkaName) || !id.group().startsWith("consumer-share") || id.tags().size() != 1) {
                    continue;
                }
                if (e.getValue().metricValue() instanceof Number number && Double.isFinite(number.doubleValue())) {
                    double value = number.doubleValue();
                    sum += value;
                    max = Double.isNaN(max) ? value : Math.max(max, value);
                    n++;
                }
            }
        }
        return switch (combine) {
            case SUM -> sum * scale;
            case MAX -> max * scale;
            case MEAN -> n == 0 ? Double.NaN : sum / n * scale;
        };
    }
}
