package io.trainyard.worker.internal.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReserveLanesTest {
    @Test
    void theReservedSlotsAreSplitOverSeveralLanesSoThatOneKeepsAFetchOpenWhileAnotherHoldsItsJobs() {
        assertThat(ShareGroupPoller.reserveCapacities(20)).containsExactly(5, 5, 5, 5);
        assertThat(ShareGroupPoller.reserveCapacities(22)).containsExactly(6, 6, 5, 5);
        assertThat(Arrays.stream(ShareGroupPoller.reserveCapacities(1_003)).sum()).isEqualTo(1_003);
    }

    @Test
    void aSmallReserveGetsALaneOfOneSlotEach() {
        assertThat(ShareGroupPoller.reserveCapacities(1)).containsExactly(1);
        assertThat(ShareGroupPoller.reserveCapacities(3)).containsExactly(1, 1, 1);
    }
}
