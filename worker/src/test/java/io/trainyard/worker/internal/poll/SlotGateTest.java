package io.trainyard.worker.internal.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SlotGateTest {
    private static final long NOW = 1_000_000;
    /** A lane as the gate sees it. */
    static final class FakeLane implements SlotGate.Member {
        final String topic;
        final int capacity;
        int busy;
        boolean armed;
        long armedAt;

        FakeLane(String topic, int capacity) {
            this.topic = topic;
            this.capacity = capacity;
        }

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public int capacity() {
            return capacity;
        }

        @Override
        public int busy() {
            return busy;
        }

        @Override
        public boolean armed() {
            return armed;
        }

        @Override
        public long armedAt() {
            return armedAt;
        }

        @Override
        public void arm(long now) {
            armed = true;
            armedAt = now;
        }

        @Override
        public void claimed(int records) {
            busy += records;
        }

        /** Records arrived for its open fetch. */
        void receive(int records) {
            busy += records;
            armed = false;
        }
    }

    private static List<FakeLane> lanes(String topic, int count, int capacity) {
        return IntStream.range(0, count).mapToObj(i -> new FakeLane(topic, capacity)).toList();
    }

    @Test
    void oneLaneOfATopicIsArmedAtATimeAndTheNextArmsAsSoonAsRecordsArrive() {
        List<FakeLane> script = lanes("script", 4, 1);
        SlotGate gate = new SlotGate(4);
        gate.lanes(script);
        assertThat(gate.tryArm(script.get(0), NOW)).isTrue();
        assertThat(gate.tryArm(script.get(1), NOW)).as("its topic has an armed lane").isFalse();

        for (int i = 0; i < 3; i++) {
            script.get(i).receive(1);
            assertThat(gate.tryArm(script.get(i + 1), NOW)).as("lane " + (i + 1) + " after " + (i + 1) + " started").isTrue();
        }
        script.get(3).receive(1);
        assertThat(script).as("four running on four slots").noneMatch(l -> gate.tryArm(l, NOW));

        script.get(2).busy = 0;
        assertThat(gate.tryArm(script.get(2), NOW)).as("a slot freed").isTrue();
    }

    @Test
    void everyTopicKeepsALaneReadyWhileASlotIsFreeAndTheOvershootIsOneLanePerOtherTopic() {
        List<FakeLane> script = lanes("script", 4, 1);
        List<FakeLane> training = lanes("training", 4, 1);
        SlotGate gate = new SlotGate(4);
        gate.lanes(Stream.concat(training.stream(), script.stream()).toList());
        assertThat(gate.tryArm(training.get(0), NOW)).isTrue();
        assertThat(gate.tryArm(script.get(0), NOW)).as("a training lane armed does not keep script waiting").isTrue();

        // Script jobs fill three slots; the last free slot is on offer to both topics.
        for (int i = 0; i < 3; i++) {
            script.get(i).receive(1);
            assertThat(gate.tryArm(script.get(i + 1), NOW)).isTrue();
        }
        // Both armed lanes receive a record at the same moment: five held on four slots, no more.
        script.get(3).receive(1);
        training.get(0).receive(1);
        int held = Stream.concat(training.stream(), script.stream()).mapToInt(FakeLane::busy).sum();
        assertThat(held).isEqualTo(5);
        assertThat(Stream.concat(training.stream(), script.stream())).noneMatch(l -> gate.tryArm(l, NOW));
    }

    @Test
    void recordsThatArriveBeyondTheFreeSlotsAreNotClaimed() {
        List<FakeLane> script = lanes("script", 4, 1);
        List<FakeLane> training = lanes("training", 4, 1);
        SlotGate gate = new SlotGate(4);
        gate.lanes(Stream.concat(training.stream(), script.stream()).toList());
        // Every lane armed at start-up (its first poll joins the group) and all receive at once.
        int started = 0;
        for (FakeLane lane : Stream.concat(script.stream(), training.stream()).toList()) {
            lane.armed = true;
            started += gate.claim(lane, 1, NOW);
            lane.armed = false;
        }
        assertThat(started).isEqualTo(4);
        assertThat(gate.claim(script.get(0), 3, NOW)).as("all slots taken").isZero();
        script.get(0).busy = 0;
        assertThat(gate.claim(script.get(1), 3, NOW)).as("one freed").isEqualTo(1);
    }

    @Test
    void aBatchedLaneArmsOnlyWhenItsWholeCapacityFits() {
        List<FakeLane> lanes = lanes("script", 2, 1000);
        SlotGate gate = new SlotGate(2000);
        gate.lanes(lanes);
        assertThat(gate.tryArm(lanes.get(0), NOW)).isTrue();
        lanes.get(0).receive(1000);
        assertThat(gate.tryArm(lanes.get(1), NOW)).isTrue();
        lanes.get(1).receive(400);
        lanes.get(0).busy = 0;
        assertThat(gate.tryArm(lanes.get(0), NOW)).isTrue();
    }

    @Test
    void aLaneArmedInVainForAWhileLetsAnotherOfItsTopicAsk() {
        List<FakeLane> queue = lanes("queue", 2, 1000);
        SlotGate gate = new SlotGate(2000);
        gate.lanes(queue);
        assertThat(gate.tryArm(queue.get(0), NOW)).isTrue();
        assertThat(gate.tryArm(queue.get(1), NOW + SlotGate.QUIET_MS - 1)).isFalse();
        // Its partitions may be empty while the other lane's are not.
        assertThat(gate.tryArm(queue.get(1), NOW + SlotGate.QUIET_MS)).isTrue();
    }

    @Test
    void noLaneArmsWhileRedisIsOutOfReachOrTheWorkerDrains() {
        List<FakeLane> script = lanes("script", 2, 1);
        SlotGate gate = new SlotGate(2);
        gate.lanes(script);
        gate.redis(false);
        assertThat(gate.redisReachable()).isFalse();
        assertThat(gate.tryArm(script.get(0), NOW)).isFalse();
        gate.redis(true);
        assertThat(gate.tryArm(script.get(0), NOW)).isTrue();
        gate.close();
        assertThat(gate.tryArm(script.get(1), NOW)).isFalse();
    }
}
