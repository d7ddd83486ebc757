package io.trainyard.scheduler.internal.fire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimQueueTest {
    private static LaunchBatch batchOf(int fires) {
        List<FireLauncher.Due> dues = Collections.nCopies(fires, new FireLauncher.Due(null, Instant.EPOCH));
        return new LaunchBatch(dues, batch -> {});
    }

    @Test
    void aBacklogIsTakenInBiggerTripsUpToTheBurst() {
        ClaimQueue queue = new ClaimQueue();
        queue.add(batchOf(3_000));
        assertThat(queue.poll(64, 512, 2).size()).isEqualTo(512);
        assertThat(queue.waiting()).isEqualTo(2_488);
        queue.add(batchOf(0));
        assertThat(queue.poll(64, 512, 2).size()).isEqualTo(512);
        assertThat(queue.poll(64, 2_000, 2).size()).isEqualTo(988);
        assertThat(queue.poll(64, 512, 2).size()).isEqualTo(494);
        assertThat(queue.waiting()).isEqualTo(494);
    }

    @Test
    void withoutABacklogATripHoldsAtMostTheUsualCount() {
        ClaimQueue queue = new ClaimQueue();
        queue.add(batchOf(100));
        assertThat(queue.poll(64, 512, 2).size()).isEqualTo(64);
        assertThat(queue.poll(64, 512, 2).size()).isEqualTo(36);
        assertThat(queue.poll(64, 512, 2)).isNull();
        assertThat(queue.waiting()).isZero();
    }

    @Test
    void aTripGathersSmallBatchesInOrder() {
        ClaimQueue queue = new ClaimQueue();
        LaunchBatch first = batchOf(2);
        LaunchBatch second = batchOf(3);
        queue.add(first);
        queue.add(second);
        ClaimQueue.Trip trip = queue.poll(64);
        assertThat(trip.batches()).containsExactly(first, first, second, second, second);
        assertThat(trip.indexes()).containsExactly(0, 1, 0, 1, 2);
    }
}
