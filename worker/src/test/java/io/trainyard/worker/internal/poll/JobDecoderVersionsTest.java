package io.trainyard.worker.internal.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.Priority;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Schema versions 1 and 2 of the job message. */
class JobDecoderVersionsTest {
    private static JobDecoder.Decoded decode(int version, String extra) {
        return JobDecoder.decode(("{\"schemaVersion\":" + version + ",\"runId\":\"r1\",\"taskId\":\"t1\","
                + "\"tenant\":\"acme\",\"type\":\"NOOP\"" + extra + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void versionTwoCarriesPriorityAndConcurrencyKey() {
        JobMessage job = ((JobDecoder.Decoded.Job) decode(2, ",\"priority\":\"high\",\"concurrencyKey\":\"gpu:a100\""))
                .job();
        assertThat(job.priorityLevel()).isEqualTo(Priority.HIGH);
        assertThat(job.concurrencyKey()).isEqualTo("gpu:a100");
    }

    @Test
    void versionOneIsReadAsBeforeAndFlowFieldsOfItAreIgnored() {
        JobMessage job = ((JobDecoder.Decoded.Job) decode(1, ",\"priority\":\"high\",\"concurrencyKey\":\"gpu\""))
                .job();
        assertThat(job.priority()).isNull();
        assertThat(job.concurrencyKey()).isNull();
        assertThat(job.priorityLevel()).isEqualTo(Priority.NORMAL);
    }

    @Test
    void anUnknownPriorityIsNormalAndAnUnsafeKeyIsPoison() {
        assertThat(((JobDecoder.Decoded.Job) decode(2, ",\"priority\":\"urgent\"")).job().priorityLevel())
                .isEqualTo(Priority.NORMAL);
        assertThat(decode(2, ",\"concurrencyKey\":\"{slot}\"")).isInstanceOf(JobDecoder.Decoded.Poison.class);
        assertThat(decode(3, "")).isEqualTo(new JobDecoder.Decoded.Poison("unsupported schemaVersion 3 (this worker reads 1 to 2)"));
    }
}
