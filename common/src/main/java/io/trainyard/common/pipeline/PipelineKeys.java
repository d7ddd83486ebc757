package io.trainyard.common.pipeline;

import io.trainyard.common.store.TenantKeys;

/**
 * The Redis keys of a tenant's pipelines, beside its {@link TenantKeys} (same {@code ty:{tenant}:}
 * prefix, so the pipeline scripts' keys and the runs they touch share one slot).
 *
 * <p>A pipeline is one hash: its own fields ({@code status}, {@code failurePolicy}, {@code open}
 * steps, ...) and per step {@code s:<step>} its {@link StepState}, {@code p:<step>} its count of
 * parents not yet COMPLETED, {@code c:<step>} its children (comma-separated), {@code r:<step>} its
 * run id, {@code k:<step>} its task id, {@code t:<step>} its jobs topic and {@code j:<step>} its
 * job message.
 */
public record PipelineKeys(String tenant) {
    /**
     * Set of the tenants with pipelines: where the reconciler looks for outboxes and running
     * pipelines. Outside every tenant's slot, like {@link TenantKeys#INFLIGHT_TENANTS}.
     */
    public static final String TENANTS = "trainyard:pipeline-tenants";

    public PipelineKeys {
        new TenantKeys(tenant); // the same rules for a tenant
    }

    private String prefix() {
        return "ty:{" + tenant + "}:";
    }

    public String pipeline(String pipelineId) {
        return prefix() + "pipeline:" + pipelineId;
    }

    /** Sorted set of the tenant's pipeline ids, scored by creation time (epoch ms). */
    public String pipelines() {
        return prefix() + "pipelines";
    }

    /** Set of the tenant's pipelines with steps still open: what the reconciler sweeps. */
    public String running() {
        return prefix() + "pipelines:running";
    }

    /** Hash: pipeline name -> pipeline id. The pipeline name lock. */
    public String names() {
        return prefix() + "pipeline-names";
    }

    /**
     * The ready outbox: sorted set of {@code <pipelineId>/<step>} of steps whose parents all
     * completed and whose job is not known to be on Kafka yet, scored by when they became ready.
     */
    public String outbox() {
        return prefix() + "pipeline-outbox";
    }

    /** The outbox member of one step. */
    public static String outboxMember(String pipelineId, String step) {
        return pipelineId + "/" + step;
    }
}
