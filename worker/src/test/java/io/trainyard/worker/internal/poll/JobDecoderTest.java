package io.trainyard.worker.internal.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.job.JobType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JobDecoderTest {
    private static JobDecoder.Decoded decode(String json) {
        return JobDecoder.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String reason(String json) {
        return ((JobDecoder.Decoded.Poison) decode(json)).reason();
    }

    @Test
    void aMinimalJobDecodesWithDefaultsForTheOptionalNumbers() {
        JobDecoder.Decoded decoded = decode("{\"schemaVersion\":1,\"runId\":\"r1\",\"taskId\":\"t1\",\"tenant\":\"acme\","
                + "\"type\":\"CODE\",\"script\":\"print(1)\",\"unknown\":[1,2]}");

        assertThat(decoded).isInstanceOfSatisfying(JobDecoder.Decoded.Job.class, j -> {
            assertThat(j.job().type()).isEqualTo(JobType.CODE);
            assertThat(j.job().timeoutSeconds()).isZero();
            assertThat(j.job().attempt()).isZero();
        });
    }

    @Test
    void poisonIsNamed() {
        assertThat(JobDecoder.decode(new byte[0])).isInstanceOf(JobDecoder.Decoded.Poison.class);
        assertThat(reason("{not json")).startsWith("not a job message");
        assertThat(reason("[1,2]")).startsWith("not a job message");
        assertThat(reason("{\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"NOOP\"}")).isEqualTo("missing schemaVersion");
        assertThat(reason("{\"schemaVersion\":7,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"NOOP\"}"))
                .contains("unsupported schemaVersion 7");
        assertThat(reason("{\"schemaVersion\":1,\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"NOOP\"}")).isEqualTo("missing runId");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"type\":\"NOOP\"}")).isEqualTo("missing tenant");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\"}")).isEqualTo("missing type");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"DANCE\"}"))
                .startsWith("not a job message");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"../../etc\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"NOOP\"}"))
                .isEqualTo("unsafe runId");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"{a}\",\"type\":\"NOOP\"}"))
                .isEqualTo("unsafe tenant");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"CODE\"}"))
                .contains("needs a script");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"CODE\","
                + "\"projectId\":\"p\",\"resourceId\":\"../x\"}")).contains("safe");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"WORKFLOW\"}"))
                .contains("WORKFLOW job needs");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"NOOP\","
                + "\"timeoutSeconds\":-5}")).contains("negative");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"NOOP\","
                + "\"pipelineId\":\"p1\"}")).contains("pipelineId and step");
        assertThat(reason("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"NOOP\","
                + "\"pipelineId\":\"p1\",\"step\":\"a/b\"}")).contains("pipelineId and step");
    }

    @Test
    void aPipelinesStepCarriesItsPipelineAndStep() {
        assertThat(decode("{\"schemaVersion\":1,\"runId\":\"r\",\"taskId\":\"t\",\"tenant\":\"a\",\"type\":\"NOOP\","
                + "\"pipelineId\":\"p1\",\"step\":\"train\"}")).isInstanceOfSatisfying(JobDecoder.Decoded.Job.class, j -> {
                    assertThat(j.job().partOfPipeline()).isTrue();
                    assertThat(j.job().step()).isEqualTo("train");
                });
    }
}
