package io.trainyard.chaos;

import io.trainyard.worker.Worker;
import io.trainyard.worker.testing.WorkerHarness;
import java.nio.file.Path;
import java.util.Map;

/** Starts workers in the test JVM on the real broker (or the cluster the overrides name) and Redis (scenarios that do not kill workers). */
final class InProcessWorker {
    private InProcessWorker() {}

    /** A bubblewrap-sandboxed worker reading resources from {@code dataDir}; {@code overrides} win. */
    static Worker start(String workerId, Path dataDir, Map<String, String> overrides) {
        return Worker.start(WorkerHarness.settings(workerId, dataDir, overrides));
    }

    /** Jobs the worker received for runs that had already ended (such as submits rolled back after all). */
    static long jobsOfEndedRunsSkipped(Worker worker) {
        return Math.round(worker.meters().find("trainyard.worker.runs.skipped").tag("reason", "ended").counters()
                .stream().mapToDouble(c -> c.count()).sum());
    }
}
