package io.trainyard.common.resource;

import io.trainyard.common.store.TenantKeys;

/**
 * Redis keys of MLW projects' resources, under the tenant's {@code ty:{tenant}:} prefix like every
 * other Trainyard key (see {@link TenantKeys}), so scripts may touch a resource and a run of the
 * same tenant together.
 */
public record ResourceKeys(String tenant) {
    public ResourceKeys {
        new TenantKeys(tenant); // same tenant rules as every other key
    }

    private String prefix() {
        return "ty:{" + tenant + "}:";
    }

    /** Hash: one project's fields (name, description, ...). */
    public String project(String projectId) {
        return prefix() + "project:" + projectId;
    }

    /** Sorted set of a project's resource ids, scored by upload time. */
    public String projectResources(String projectId) {
        return prefix() + "project:" + projectId + ":resources";
    }

    /** Hash: one resource's metadata (the fields named in {@link ResourceRecords}). */
    public String resource(String resourceId) {
        return prefix() + "resource:" + resourceId;
    }
}
