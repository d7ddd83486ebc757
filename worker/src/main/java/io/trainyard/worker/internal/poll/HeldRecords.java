package io.trainyard.worker.internal.poll;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records a {@link Lane} holds and where each stands: in flight (its job runs, the record
 * is neither acknowledged nor renewing), renewing (RENEW sent, the record not yet back from the
 * consumer), or ended while renewing (its acknowledgement waits for the record to come back).
 * Only the lane's thread uses it.
 */
final class HeldRecords<W> {
    /** One record and its work. */
    static final class Held<W> {
        final W work;
        ConsumerRecord<byte[], byte[]> record;
        long lockedAt;
        long renewingSince;
        boolean renewing;
        /** The broker confirmed the RENEW: the record comes back with the next poll, which fetches nothing new. */
        boolean confirmed;
        /** Its consumer was replaced: the job still runs, but the record is no longer the lane's. */
        boolean orphan;
        AcknowledgeType pendingAck;
        private int slot;

        Held(ConsumerRecord<byte[], byte[]> record, W work, long lockedAt) {
            this.record = record;
            this.work = work;
            this.lockedAt = lockedAt;
        }

        boolean holds(ConsumerRecord<byte[], byte[]> other) {
            return record.offset() == other.offset() && record.partition() == other.partition()
                    && record.topic().equals(other.topic());
        }
    }

    private final List<Held<W>> held;
    private int inFlight;
    private int renewing;
    private int unconfirmed;
    /** No record needs renewing before this time. */
    private long renewCheckAt = Long.MAX_VALUE;

    HeldRecords(int capacity) {
        this.held = new ArrayList<>(capacity);
    }

    int size() {
        return held.size();
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /** Records neither acknowledged nor renewing: while there are any, the consumer may not poll. */
    int inFlight() {
        return inFlight;
    }

    int renewing() {
        return renewing;
    }

    long renewCheckAt() {
        return renewCheckAt;
    }

    Held<W> add(ConsumerRecord<byte[], byte[]> record, W work, long now, long renewAfterMs) {
        Held<W> h = new Held<>(record, work, now);
        h.slot = held.size();
        held.add(h);
        inFlight++;
        renewCheckAt = Math.min(renewCheckAt, now + renewAfterMs);
        return h;
    }

    /** An in-flight record was acknowledged: it is no longer held. */
    void acknowledged(Held<W> h) {
        inFlight--;
        remove(h);
    }

    /** Calls {@code renew} for every in-flight record held {@code renewAfterMs} or longer, and marks it renewing. */
    void renewDue(long now, long renewAfterMs, Consumer<Held<W>> renew) {
        if (now < renewCheckAt) {
            return;
        }
        long next = Long.MAX_VALUE;
        for (Held<W> h : held) {
            if (h.renewing) {
                continue;
            }
            if (now - h.lockedAt < renewAfterMs) {
                next = Math.min(next, h.lockedAt + renewAfterMs);
                continue;
            }
            renew.accept(h);
            h.renewing = true;
            h.confirmed = false;
            h.renewingSince = now;
            renewing++;
            unconfirmed++;
            inFlight--;
        }
        renewCheckAt = next;
    }

    /** The renewing record {@code record} is, come back with a fresh lock; null when it is none of them. */
    Held<W> renewed(ConsumerRecord<byte[], byte[]> record, long now, long renewAfterMs) {
        if (renewing == 0) {
            return null;
        }
        for (Held<W> h : held) {
            if (h.renewing && h.holds(record)) {
                h.record = record;
                if (!h.confirmed) {
                    unconfirmed--;
                }
                h.renewing = false;
                h.confirmed = false;
                h.lockedAt = now;
                renewing--;
                inFlight++;
                renewCheckAt = Math.min(renewCheckAt, now + renewAfterMs);
                return h;
            }
        }
        return null;
    }

    /** Whether every RENEW sent was confirmed: only then may the consumer poll for them without fetching. */
    boolean renewalsConfirmed() {
        return unconfirmed == 0;
    }

    /**
     * The broker answered the RENEW of {@code topic}-{@code partition}@{@code offset}: confirmed
     * when {@code ok}, else its lock is lost and the record leaves the lane (returned, so the
     * lane can let its job finish without it); null when no renewing record is at that offset.
     */
    Held<W> renewalAnswered(String topic, int partition, long offset, boolean ok) {
        for (Held<W> h : held) {
            if (h.renewing && !h.confirmed && h.record.offset() == offset && h.record.partition() == partition
                    && h.record.topic().equals(topic)) {
                unconfirmed--;
                if (ok) {
                    h.confirmed = true;
                } else {
                    renewing--;
                    remove(h);
                }
                return h;
            }
        }
        return null;
    }

    /** Whether a RENEW has gone unanswered for longer than {@code lockMs}. */
    boolean renewalOverdue(long now, long lockMs) {
        if (renewing == 0) {
            return false;
        }
        for (Held<W> h : held) {
            if (h.renewing && !h.confirmed && now - h.renewingSince > lockMs) {
                return true;
            }
        }
        return false;
    }

    /** Lets go of every record (its consumer is gone); returns how many of their jobs still run. */
    int orphanAll() {
        int running = 0;
        for (Held<W> h : held) {
            if (h.pendingAck == null) {
                h.orphan = true;
                running++;
            }
        }
        held.clear();
        inFlight = 0;
        renewing = 0;
        unconfirmed = 0;
        renewCheckAt = Long.MAX_VALUE;
        return running;
    }

    /** The records in flight (to hand back when the lane closes). */
    List<ConsumerRecord<byte[], byte[]>> inFlightRecords() {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(inFlight);
        for (Held<W> h : held) {
            if (!h.renewing) {
                records.add(h.record);
            }
        }
        return records;
    }

    private void remove(Held<W> h) {
        Held<W> last = held.remove(held.size() - 1);
        if (last != h) {
            held.set(h.slot, last);
            last.slot = h.slot;
        }
    }
}
