package io.trainyard.worker.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunLogTest {
    private static final JobMessage JOB = new JobMessage(1, "r-1", "t-1", "acme", JobType.CODE, "p", "res", null,
            30, 1, 1_000);

    @Test
    void everyRunEventCarriesTaskRunTenantAndAttempt() {
        assertThat(RunLog.started(JOB, 1, 4, 12, "w-1").toString())
                .isEqualTo("event=started task=t-1 run=r-1 tenant=acme attempt=1 type=CODE worker=w-1 epoch=4 pickup_ms=12");
        assertThat(RunLog.finished(JOB, 2, RunStatus.FAILED, 350, "Script failed with exit code 3", "w-1").toString())
                .isEqualTo("event=finished task=t-1 run=r-1 tenant=acme attempt=2 type=CODE worker=w-1 status=FAILED "
                        + "duration_ms=350 message=\"Script failed with exit code 3\"");
        assertThat(RunLog.retried(JOB, 1, Duration.ofMillis(1500), "Redis unavailable", "w-1").toString())
                .isEqualTo("event=retried task=t-1 run=r-1 tenant=acme attempt=1 type=CODE worker=w-1 delay_ms=1500 "
                        + "reason=\"Redis unavailable\"");
        assertThat(RunLog.deadLettered(JOB, 3, "exhausted", "w-1").toString())
                .isEqualTo("event=dead_lettered task=t-1 run=r-1 tenant=acme attempt=3 type=CODE worker=w-1 reason=exhausted");
    }

    @Test
    void unknownTimingsAreLeftOut() {
        assertThat(RunLog.started(JOB, 1, 1, -1, "w-1").toString()).doesNotContain("pickup_ms");
        assertThat(RunLog.finished(JOB, 1, RunStatus.CANCELLED, -1, "Cancelled", "w-1").toString())
                .doesNotContain("duration_ms");
    }
}
