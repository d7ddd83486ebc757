package io.trainyard.ingress.internal.catalog;

import io.trainyard.common.resource.ResourceKeys;

/**
 * Redis keys for MLW projects, under the tenant's {@code ty:{tenant}:} prefix like every other
 * Trainyard key. The keys a worker touches too (a project, its resource index, a resource) are
 * {@link ResourceKeys}'.
 */
record ProjectKeys(String tenant) {
    ProjectKeys {
        new ResourceKeys(tenant); // same tenant rules as every other key
    }

    private String prefix() {
        return "ty:{" + tenant + "}:";
    }

    /** Hash: project name -> project id. The project name lock. */
    public String projectNames() {
        return prefix() + "projectNames";
    }

    /** Sorted set of project ids, scored by creation time. */
    public String projects() {
        return prefix() + "projects";
    }

    public String project(String projectId) {
        return new ResourceKeys(tenant).project(projectId);
    }

    /** Sorted set of a project's resource ids, scored by upload time. */
    public String projectResources(String projectId) {
        return new ResourceKeys(tenant).projectResources(projectId);
    }

    public String resource(String resourceId) {
        return new ResourceKeys(tenant).resource(resourceId);
    }
}
