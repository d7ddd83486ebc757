package io.trainyard.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.TrainyardException.Kind;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaErrorsTest {
    @Test
    void kafkasRetriableErrorsAndRunOutWaitsAreRetryable() {
        assertThat(KafkaErrors.kindOf(new NotEnoughReplicasException("2 of 3 in sync"))).isEqualTo(Kind.RETRYABLE);
        assertThat(KafkaErrors.kindOf(new org.apache.kafka.common.errors.TimeoutException("no answer")))
                .isEqualTo(Kind.RETRYABLE);
        assertThat(KafkaErrors.kindOf(new TimeoutException())).isEqualTo(Kind.RETRYABLE);
        assertThat(KafkaErrors.kindOf(new ExecutionException(new NotEnoughReplicasException("wrapped"))))
                .isEqualTo(Kind.RETRYABLE);
    }

    @Test
    void whatKafkaRefusesForGoodIsPermanent() {
        assertThat(KafkaErrors.kindOf(new RecordTooLargeException("too large"))).isEqualTo(Kind.PERMANENT);
        assertThat(KafkaErrors.kindOf(new TopicAuthorizationException("denied"))).isEqualTo(Kind.PERMANENT);
        assertThat(KafkaErrors.kindOf(new IllegalStateException("closed"))).isEqualTo(Kind.PERMANENT);
    }
}
