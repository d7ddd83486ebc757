package io.trainyard.ingress.internal.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SubmitBoundTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void theWaitForKafkaEndsAFifthEarlyAndSendingBlocksForHalfOfThatAtMost() {
        SubmitBound bound = SubmitBound.ofMillis(5_000);

        assertThat(bound.rollbackReserveMillis()).isEqualTo(1_000);
        assertThat(bound.publishMillis()).isEqualTo(4_000);
        assertThat(bound.sendBlockMillis()).isEqualTo(500);
        assertThat(bound.startingAt(7 * SECOND)).isEqualTo(new SubmitBound.Deadline(11 * SECOND, 12 * SECOND));
    }

    @Test
    void theTimeLeftForKafkaShrinksToNothing() {
        SubmitBound.Deadline deadline = SubmitBound.ofMillis(5_000).startingAt(0);

        assertThat(deadline.publishMillisLeft(0)).isEqualTo(4_000);
        assertThat(deadline.publishMillisLeft(SECOND + SECOND / 4)).isEqualTo(2_750);
        assertThat(deadline.publishMillisLeft(4 * SECOND)).isZero();
        assertThat(deadline.publishMillisLeft(9 * SECOND)).isZero();
    }

    @Test
    void aBoundTooShortToReachKafkaIsRefused() {
        assertThatThrownBy(() -> new SubmitBound(Duration.ofMillis(999)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("999 ms");
    }
}
