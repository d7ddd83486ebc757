package io.trainyard.ingress.internal.submit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How long a submit may take before it is answered, and how that time is shared. The Redis
 * writes and the wait for Kafka's acknowledgement end a fifth of the bound early: that reserve
 * is the rollback's, so a submit Kafka did not acknowledge is still undone before its answer is
 * due. Sending may block (no metadata, a full buffer) for half the reserve at most, so however
 * late the send returns, the rollback keeps the other half.
 */
public record SubmitBound(Duration total) {
    /** Below this a submit could not reach Kafka even on a healthy cluster. */
    public static final Duration MIN = Duration.ofSeconds(1);

    public SubmitBound {
        if (total.compareTo(MIN) < 0) {
            throw new IllegalArgumentException("a submit bound of " + total.toMillis() + " ms is below "
                    + MIN.toMillis() + " ms");
        }
    }

    public static SubmitBound ofMillis(long millis) {
        return new SubmitBound(Duration.ofMillis(millis));
    }

    /** Kept for the rollback: a fifth of the bound. */
    public long rollbackReserveMillis() {
        return total.toMillis() / 5;
    }

    /** The longest a submit can wait for Kafka: the bound less the rollback's reserve. */
    public long publishMillis() {
        return total.toMillis() - rollbackReserveMillis();
    }

    /** The longest sending a record may block the caller (Kafka's {@code max.block.ms}). */
    public long sendBlockMillis() {
        return rollbackReserveMillis() / 2;
    }

    /** The deadlines of a submit that starts at {@code startNanos} ({@link System#nanoTime()}). */
    public Deadline startingAt(long startNanos) {
        long answerBy = startNanos + total.toNanos();
        return new Deadline(answerBy - TimeUnit.MILLISECONDS.toNanos(rollbackReserveMillis()), answerBy);
    }

    /**
     * One submit's deadlines, as {@link System#nanoTime()} values.
     *
     * @param publishBy when its Redis writes and its wait for Kafka end
     * @param answerBy when it is answered, rolled back or not
     */
    public record Deadline(long publishBy, long answerBy) {
        /** Milliseconds left at {@code nowNanos} to wait for Kafka; 0 when none are. */
        public long publishMillisLeft(long nowNanos) {
            return Math.max(0, TimeUnit.NANOSECONDS.toMillis(publishBy - nowNanos));
        }
    }
}
