package io.trainyard.bench;

import org.HdrHistogram.Histogram;

/** A latency distribution in microseconds (HdrHistogram, 3 significant digits), read in milliseconds. */
final class Latencies {
    private final Histogram histogram = new Histogram(3_600_000_000L, 3);

    synchronized void recordMicros(long micros) {
        histogram.recordValue(Math.max(0, Math.min(micros, histogram.getHighestTrackableValue())));
    }

    void recordMillis(long millis) {
        recordMicros(millis * 1_000);
    }

    synchronized void add(Latencies other) {
        histogram.add(other.histogram);
    }

    synchronized long count() {
        return histogram.getTotalCount();
    }

    synchronized double percentileMillis(double percentile) {
        return count() == 0 ? -1 : histogram.getValueAtPercentile(percentile) / 1_000.0;
    }

    synchronized double maxMillis() {
        return count() == 0 ? -1 : histogram.getMaxValue() / 1_000.0;
    }
}
