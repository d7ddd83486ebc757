package io.trainyard.worker.internal.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trainyard.worker.internal.poll.ShareGroupPoller;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
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
        FunctionCounter.builder("kafka.share.consumer.records.consumed", consumers, sum("records-consumed-total"))
                .description("Records the worker's share consumers acquired").register(registry);
        FunctionCounter.builder("kafka.share.consumer.fetches", consumers, sum("fetch-total"))
                .description("Share fetch requests of the worker's share consumers").register(registry);
        FunctionCounter.builder("kafka.share.consumer.acknowledgements.sent", consumers,
                        sum("acknowledgements-send-total"))
                .description("Record acknowledgements the worker's share consumers sent").register(registry);
        FunctionCounter.builder("kafka.share.consumer.acknowledgements.errors", consumers,
                        sum("acknowledgements-error-total"))
                .description("Record acknowledgements the broker refused").register(registry);
        Gauge.builder("kafka.share.consumer.fetch.records", consumers,
                        c -> read(c.consumerMetrics(), "records-per-request-avg", Combine.MEAN, 1))
                .description("Records per share fetch, averaged over the lanes").register(registry);
        Gauge.builder("kafka.share.consumer.fetch.latency.max", consumers,
                        c -> read(c.consumerMetrics(), "fetch-latency-max", Combine.MAX, 0.001))
                .baseUnit("seconds").description("Slowest share fetch of any lane (recent window)").register(registry);
        Gauge.builder("kafka.share.consumer.poll.interval.max", consumers,
                        c -> read(c.consumerMetrics(), "time-between-poll-max", Combine.MAX, 0.001))
                .baseUnit("seconds").description("Longest time between two polls of any lane (recent window)")
                .register(registry);
        Gauge.builder("kafka.share.consumer.last.poll.age", consumers,
                        c -> read(c.consumerMetrics(), "last-poll-seconds-ago", Combine.MAX, 1))
                .baseUnit("seconds").description("Time since the least recent poll of any lane").register(registry);
    }

    private static ToDoubleFunction<ShareGroupPoller> sum(String kafkaName) {
        return c -> read(c.consumerMetrics(), kafkaName, Combine.SUM, 1);
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
