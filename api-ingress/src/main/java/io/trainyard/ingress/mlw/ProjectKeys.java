package io.trainyard.ingress.mlw;

import io.trainyard.common.store.TenantKeys;

/**
 * Redis keys for MLW projects and resources, under the tenant's {@code ty:{tenant}:} prefix like
 * every other Trainyard key (see {@link TenantKeys}).
 */
record ProjectKeys(String tenant) {
    ProjectKeys {
        new TenantKeys(tenant); // same tenant rules as every other key
    }

    private String prefix() {
        return "ty:{" + tenant + "}:";
    }

    /** Hash: project name -> project id. The project name lock. */
    String projectNames() {
        return prefix() + "projectNames";
    }

    /** Sorted set of project ids, scored by creation time. */
    String projects() {
        return prefix() + "projects";
    }

    String project(String projectId) {
        return prefix() + "project:" + projectId;
    }

    /** Sorted set of a project's resource ids, scored by upload time. */
    String projectResources(String projectId) {
        return prefix() + "project:" + projectId + ":resources";
    }

    String resource(String resourceId) {
        return prefix() + "resource:" + resourceId;
    }
}
