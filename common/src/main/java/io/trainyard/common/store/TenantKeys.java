package io.trainyard.common.store;

/**
 * The Redis key schema. Every key of a tenant carries the tenant in a hash tag ({@code {tenant}}),
 * so a tenant's keys never mix with another's and, on Redis Cluster, share one slot so the
 * multi-key Lua scripts stay valid.
 */
public record TenantKeys(String tenant) {
    public static final String CANCEL_CHANNEL = "trainyard:cancel";

    public TenantKeys {
        if (tenant == null || tenant.isEmpty() || tenant.indexOf('{') >= 0 || tenant.indexOf('}') >= 0) {
            throw new IllegalArgumentException("invalid tenant: " + tenant);
        }
    }

    private String prefix() {
        return "ty:{" + tenant + "}:";
    }

    /** Hash: task name -> task id. The name lock. */
    public String names() {
        return prefix() + "names";
    }

    /** Sorted set of task ids, scored by creation time. */
    public String tasks() {
        return prefix() + "tasks";
    }

    public String task(String taskId) {
        return prefix() + "task:" + taskId;
    }

    /** List of a task's run ids, oldest first. */
    public String taskRuns(String taskId) {
        return prefix() + "task:" + taskId + ":runs";
    }

    /** Prefix of run keys, for scripts that walk a task's runs. */
    public String runPrefix() {
        return prefix() + "run:";
    }

    public String run(String runId) {
        return runPrefix() + runId;
    }

    /** Hash with the captured stdout and stderr of a run. */
    public String runOutput(String runId) {
        return runPrefix() + runId + ":output";
    }
}
