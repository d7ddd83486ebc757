package io.trainyard.worker.internal.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.worker.internal.poll.SlotGateTest.FakeLane;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The gate's priorities: higher topics get free slots first, lower ones a guaranteed share. */
class SlotGatePriorityTest {
    private static final long NOW = 1_000_000;
    private static final String HIGH = "trainyard.jobs.script.high";
    private static final String LOW = "trainyard.jobs.script.low";

    private static List<FakeLane> lanes(String topic, int count) {
        return IntStream.range(0, count).mapToObj(i -> new FakeLane(topic, 1)).toList();
    }

    /** Every slot is busy with low jobs, and a high lane found no room for its record: it waits, idle. */
    private static SlotGate backlog(List<FakeLane> high, List<FakeLane> low, int lowShare) {
        SlotGate gate = new SlotGate(low.size(), lowShare);
        gate.lanes(Stream.concat(high.stream(), low.stream()).toList());
        low.forEach(lane -> lane.busy = 1);
        return gate;
    }

    @Test
    void aFreedSlotGoesToAWaitingHigherPriorityBeforeTheLowBacklog() {
        List<FakeLane> high = lanes(HIGH, 2);
        List<FakeLane> low = lanes(LOW, 2);
        SlotGate gate = backlog(high, low, 4);

        low.get(0).busy = 0; // a low job ended: its lane asks first
        assertThat(gate.tryArm(low.get(0), NOW)).isFalse();
        assertThat(gate.tryArm(high.get(0), NOW)).isTrue();
    }

    @Test
    void lowerPrioritiesArmFreelyWhileTheHigherTopicHasAnOpenFetch() {
        List<FakeLane> high = lanes(HIGH, 2);
        List<FakeLane> low = lanes(LOW, 2);
        SlotGate gate = new SlotGate(2, 4);
        gate.lanes(Stream.concat(high.stream(), low.stream()).toList());

        assertThat(gate.tryArm(high.get(0), NOW)).isTrue(); // waits on an empty high topic
        assertThat(gate.tryArm(low.get(0), NOW)).isTrue();
    }

    @Test
    void aHighRecordHandedBackForWantOfASlotGetsTheNextFreeSlotWithoutALowFetchRacingIt() {
        List<FakeLane> high = lanes(HIGH, 1);
        List<FakeLane> low = lanes(LOW, 1);
        SlotGate gate = new SlotGate(1, 4);
        gate.lanes(Stream.concat(high.stream(), low.stream()).toList());
        assertThat(gate.tryArm(high.get(0), NOW)).as("its fetch waits on an empty high topic").isTrue();
        assertThat(gate.tryArm(low.get(0), NOW)).isTrue();
        assertThat(gate.claim(low.get(0), 1, NOW)).as("a low job takes the slot").isEqualTo(1);
        low.get(0).armed = false;
        assertThat(gate.claim(high.get(0), 1, NOW)).as("a high record arrives: no free slot").isZero();
        high.get(0).armed = false;

        low.get(0).busy = 0; // the low job ended; the high record waits in its topic
        assertThat(gate.tryArm(high.get(0), NOW + 1)).isTrue();
        assertThat(gate.tryArm(low.get(0), NOW + 1)).as("its fetch would race the high one for the slot").isFalse();
        assertThat(gate.claim(high.get(0), 1, NOW + 2)).isEqualTo(1);
        high.get(0).armed = false;
        high.get(0).busy = 0; // the high job ran and ended
        assertThat(gate.tryArm(high.get(0), NOW + 3)).as("its fetch waits on the high topic again").isTrue();
        assertThat(gate.tryArm(low.get(0), NOW + 3)).as("the high topic took its records: the low lane arms").isTrue();
    }

    @Test
    void recordsHandedBackStopHoldingLowerLanesBackAfterAQuietPeriod() {
        List<FakeLane> high = lanes(HIGH, 1);
        List<FakeLane> low = lanes(LOW, 1);
        SlotGate gate = new SlotGate(1, 4);
        gate.lanes(Stream.concat(high.stream(), low.stream()).toList());
        low.get(0).busy = 1;
        assertThat(gate.claim(high.get(0), 1, NOW)).isZero();
        high.get(0).arm(NOW); // its fetch is open again, but the record went to another worker
        low.get(0).busy = 0;

        assertThat(gate.tryArm(low.get(0), NOW + SlotGate.QUIET_MS - 1)).isFalse();
        assertThat(gate.tryArm(low.get(0), NOW + SlotGate.QUIET_MS)).isTrue();
    }

    @Test
    void aWaitingLowPriorityGetsOneFetchInEveryLowShareEvenUnderEndlessHighWork() {
        List<FakeLane> high = lanes(HIGH, 1);
        List<FakeLane> low = lanes(LOW, 1);
        SlotGate gate = new SlotGate(1, 4);
        gate.lanes(Stream.concat(high.stream(), low.stream()).toList());
        List<String> order = new ArrayList<>();
        for (int slot = 0; slot < 40; slot++) {
            // One slot frees at a time; both lanes want it, the low one asks first every time.
            FakeLane winner = gate.tryArm(low.get(0), NOW) ? low.get(0)
                    : gate.tryArm(high.get(0), NOW) ? high.get(0) : null;
            assertThat(winner).as("someone takes the free slot").isNotNull();
            order.add(winner == low.get(0) ? "low" : "high");
            winner.receive(1);
            winner.busy = 0; // its job ran and ended
        }
        assertThat(order.stream().filter("low"::equals).count()).isEqualTo(10);
        assertThat(order.subList(0, 4)).containsExactly("high", "high", "high", "low");
    }

    @Test
    void reservedSlotsKeepAHighFetchOpenWhileLowJobsFillTheRest() {
        FakeLane reserve = new FakeLane(HIGH, 2);
        List<FakeLane> low = lanes(LOW, 10);
        SlotGate gate = new SlotGate(8, 4, 2);
        gate.lanes(Stream.concat(Stream.of(reserve), low.stream()).toList());
        assertThat(gate.tryArm(reserve, NOW)).as("its fetch waits on an empty high topic").isTrue();

        int lowTaken = 0;
        for (FakeLane lane : low) {
            if (gate.tryArm(lane, NOW)) {
                lowTaken += gate.claim(lane, 1, NOW);
                lane.armed = false;
            }
        }
        assertThat(lowTaken).as("low jobs take every slot but the reserved ones").isEqualTo(8);
        assertThat(gate.claim(reserve, 5, NOW)).as("high records that arrive fit in the reserve").isEqualTo(2);
    }
}
