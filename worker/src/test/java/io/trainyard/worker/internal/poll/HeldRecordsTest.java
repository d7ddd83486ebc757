package io.trainyard.worker.internal.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.worker.internal.poll.HeldRecords.Held;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class HeldRecordsTest {
    private static final long HALF_LOCK = 15_000;

    private static ConsumerRecord<byte[], byte[]> record(long offset) {
        return new ConsumerRecord<>("jobs", 0, offset, null, new byte[0]);
    }

    @Test
    void aBatchMayPollAgainOnlyOnceEveryRecordIsAcknowledgedOrRenewing() {
        HeldRecords<String> held = new HeldRecords<>(3);
        Held<String> a = held.add(record(1), "a", 0, HALF_LOCK);
        Held<String> b = held.add(record(2), "b", 0, HALF_LOCK);
        assertThat(held.inFlight()).isEqualTo(2);

        held.acknowledged(a);
        assertThat(held.inFlight()).isEqualTo(1);
        assertThat(held.size()).isEqualTo(1);

        List<Held<String>> renewed = new ArrayList<>();
        held.renewDue(HALF_LOCK - 1, HALF_LOCK, renewed::add);
        assertThat(renewed).isEmpty();
        held.renewDue(HALF_LOCK, HALF_LOCK, renewed::add);
        assertThat(renewed).containsExactly(b);
        assertThat(held.inFlight()).isZero();
        assertThat(held.renewing()).isEqualTo(1);
        assertThat(held.size()).isEqualTo(1);
    }

    @Test
    void aRenewedRecordComesBackInFlightWithAFreshLockAndAnEndedOneIsStillToBeAcknowledged() {
        HeldRecords<String> held = new HeldRecords<>(2);
        Held<String> running = held.add(record(1), "running", 0, HALF_LOCK);
        Held<String> ending = held.add(record(2), "ending", 0, HALF_LOCK);
        held.renewDue(HALF_LOCK, HALF_LOCK, h -> { });
        ending.pendingAck = AcknowledgeType.ACCEPT;

        assertThat(held.renewed(record(3), 16_000, HALF_LOCK)).isNull();
        assertThat(held.renewed(record(1), 16_000, HALF_LOCK)).isSameAs(running);
        assertThat(held.renewed(record(2), 16_000, HALF_LOCK)).isSameAs(ending);
        assertThat(held.inFlight()).isEqualTo(2);
        assertThat(held.renewCheckAt()).isEqualTo(16_000 + HALF_LOCK);

        held.acknowledged(ending);
        assertThat(held.inFlight()).isEqualTo(1);
        assertThat(held.renewalOverdue(100_000, 30_000)).isFalse();
    }

    @Test
    void aRenewalNotAnsweredWithinTheLockIsOverdue() {
        HeldRecords<String> held = new HeldRecords<>(1);
        held.add(record(1), "a", 0, HALF_LOCK);
        held.renewDue(HALF_LOCK, HALF_LOCK, h -> { });

        assertThat(held.renewalOverdue(HALF_LOCK + 30_000, 30_000)).isFalse();
        assertThat(held.renewalOverdue(HALF_LOCK + 30_001, 30_000)).isTrue();
    }

    @Test
    void losingTheConsumerOrphansTheJobsStillRunning() {
        HeldRecords<String> held = new HeldRecords<>(3);
        Held<String> a = held.add(record(1), "a", 0, HALF_LOCK);
        held.add(record(2), "b", 0, HALF_LOCK);
        Held<String> ended = held.add(record(3), "c", 0, HALF_LOCK);
        held.renewDue(HALF_LOCK, HALF_LOCK, h -> { });
        ended.pendingAck = AcknowledgeType.ACCEPT;

        assertThat(held.orphanAll()).isEqualTo(2);
        assertThat(a.orphan).isTrue();
        assertThat(ended.orphan).isFalse();
        assertThat(held.isEmpty()).isTrue();
        assertThat(held.inFlight()).isZero();
        assertThat(held.renewing()).isZero();
    }
}
