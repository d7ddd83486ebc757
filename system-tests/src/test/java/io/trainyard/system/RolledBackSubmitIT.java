package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.Ids;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.TaskStore;
import io.trainyard.worker.RunLedger;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * A submit Kafka did not acknowledge is rolled back, but its record may have reached the log all
 * the same: when that job reaches a worker, its run must be found ended, never recreated and run.
 */
@ExtendWith(RealRedis.class)
class RolledBackSubmitIT {
    @Test
    void aRolledBackSubmitFreesItsNameAndALateJobOfItDoesNotStart() {
        try (JedisPooled redis = RealRedis.client()) {
            TaskStore tasks = new TaskStore(redis);
            RunLedger ledger = new RunLedger(redis, 30_000);
            String tenant = "rollback-" + Ids.next().substring(24);
            String taskId = Ids.next();
            String runId = Ids.next();
            TenantKeys keys = new TenantKeys(tenant);
            assertThat(tasks.submit(tenant, "report", 1, Map.of("id", taskId, "name", "report"),
                    Map.of("id", runId, "tasksID", taskId, "status", "QUEUED")).created()).isTrue();

            tasks.unsubmit(tenant, "report", taskId);

            assertThat(redis.hget(keys.names(), "report")).isNull();
            assertThat(tasks.task(tenant, taskId)).isEmpty();
            assertThat(tasks.taskCount(tenant)).isZero();
            assertThat(tasks.run(tenant, runId).orElseThrow()).containsEntry("status", "CANCELLED")
                    .containsEntry("cancelRequested", "1").containsKey("completedAt");
            assertThat(redis.ttl(keys.run(runId))).isPositive();
            // The job arrives after all, with the fields a worker would create its run from.
            assertThat(ledger.start(tenant, runId, "late-worker", 1, 5_000,
                    Map.of("id", runId, "tasksID", taskId, "status", "QUEUED")))
                    .isEqualTo(new RunLedger.Start.AlreadyEnded(RunStatus.CANCELLED));
            assertThat(tasks.run(tenant, runId).orElseThrow()).doesNotContainKeys("executedAt", "workerId", "epoch");
            assertThat(tasks.submit(tenant, "report", 2, Map.of("id", Ids.next(), "name", "report"), null).created())
                    .isTrue();
        }
    }
}
