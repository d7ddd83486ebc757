package io.trainyard.common.store;

/**
 * The Redis key schema. Every key of a tenant carries the tenant in a hash tag ({@code {tenant}}),
 * so a tenant's keys never mix with another's and, on Redis Cluster, share one slot so the
 * multi-key Lua scripts stay valid.
 */
public record TenantKeys(String tenant) {
    /**
     * Pub/sub channel of cancel requests ("tenant/runId"). Classic pub/sub: a Redis Cluster
     * delivers a PUBLISH on every node, so a subscriber may hold any node's connection.
     */
    public static final String CANCEL_CHANNEL = "trainyard:cancel";
    /**
     * Set of the tenants that have (or had) in-flight runs: where the reconciler looks for
     * {@link #inflight()} indexes. On purpose in a slot of its own (no hash tag), outside every
     * tenant's, so no script writes it; a start adds its tenant in the same round trip, after the
     * script, as a command of its own (a cluster pipeline sends it to that slot's node).
     */
    public static final String INFLIGHT_TENANTS = "trainyard:inflight-tenants";

    /**
     * String per job record sent to the dead-letter topic as poison ("topic-partition@offset"),
     * holding a checksum of the record: a poison record delivered again (its acquisition lock lost
     * while it was being dead-lettered) is rejected without a second dead letter. Poison has no
     * tenant, so these keys stand outside every tenant's slot.
     */
    public static String deadLettered(String topic, int partition, long offset) {
        return "trainyard:dead-lettered:" + topic + "-" + partition + "@" + offset;
    }

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

    /**
     * Sorted set of the tenant's runs in flight (run id, scored by the epoch ms from which the
     * reconciler should look at it): runs started and not ended (scored by their lease, moved on
     * lazily), and runs queued whose job may not be on Kafka yet (scored by a publish deadline).
     */
    public String inflight() {
        return prefix() + "inflight";
    }

    /** Hash with the captured stdout and stderr of a run. */
    public String runOutput(String runId) {
        return runPrefix() + runId + ":output";
    }

    /**
     * String: the id of the latest task submitted for a resource (a workflow's latest training),
     * so every dialect's view of that resource follows work started in any other.
     */
    public String resourceLatestTask(String resourceId) {
        return prefix() + "resource:" + resourceId + ":latest-task";
    }
}
