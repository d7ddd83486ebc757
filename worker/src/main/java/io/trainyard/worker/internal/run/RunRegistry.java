package io.trainyard.worker.internal.run;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The runs this worker is executing now, by tenant and run id, so a cancel message can find its run. */
public final class RunRegistry {
    private final Map<String, RunControl> running = new ConcurrentHashMap<>();

    private static String key(String tenant, String runId) {
        return tenant + "/" + runId;
    }

    void add(RunControl control) {
        running.put(key(control.tenant(), control.runId()), control);
    }

    void remove(RunControl control) {
        running.remove(key(control.tenant(), control.runId()), control);
    }

    /** Stops the run named by a cancel message ("tenant/runId"); false when it does not run here. */
    public boolean cancel(String tenantSlashRunId) {
        RunControl control = running.get(tenantSlashRunId);
        if (control == null) {
            return false;
        }
        control.stop(StopReason.CANCELLED);
        return true;
    }

    public void stopAll(StopReason reason) {
        running.values().forEach(c -> c.stop(reason));
    }

    public Collection<RunControl> snapshot() {
        return List.copyOf(running.values());
    }

    public int size() {
        return running.size();
    }
}
