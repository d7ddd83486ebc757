package io.trainyard.chaos;

import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Starts workers in the test JVM on the real broker and Redis (scenarios that do not kill workers). */
final class InProcessWorker {
    private InProcessWorker() {}

    /** A bubblewrap-sandboxed worker reading resources from {@code dataDir}; {@code overrides} win. */
    static Worker start(String workerId, Path dataDir, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("TRAINYARD_KAFKA_BOOTSTRAP", RealKafka.broker().bootstrapServers());
        env.put("TRAINYARD_REDIS_URI", ChaosIngress.redisUri());
        env.put("TRAINYARD_DATA_DIR", dataDir.toString());
        env.put("TRAINYARD_WORKER_ID", workerId);
        env.put("TRAINYARD_OPS_PORT", "0");
        env.put("TRAINYARD_SANDBOX", "bwrap");
        env.put("TRAINYARD_LEASE_MS", "15000");
        env.put("TRAINYARD_SHUTDOWN_GRACE_MS", "2000");
        env.putAll(overrides);
        return Worker.start(ConfigTable.load(WorkerSettings.ALL, env));
    }

    /** Jobs the worker received for runs that had already ended (such as submits rolled back after all). */
    static long jobsOfEndedRunsSkipped(Worker worker) {
        return Math.round(worker.meters().find("trainyard.worker.runs.skipped").tag("reason", "ended").counters()
                .stream().mapToDouble(c -> c.count()).sum());
    }
}
