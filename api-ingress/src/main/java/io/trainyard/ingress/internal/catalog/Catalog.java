package io.trainyard.ingress.internal.catalog;

import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.resource.ResourceRecords;
import io.trainyard.ingress.TaskStore;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * What every dialect shares: a tenant's projects (Chorus's workspaces), their resources (scripts,
 * datasets, workflow documents, models), and its tasks and runs. The MLW, Chorus and maiascore
 * packages each speak their own dialect over it and never import one another.
 */
public final class Catalog {
    private final ProjectStore projects;
    private final ResourceRecords resources;
    private final WorkflowDocuments workflows;
    private final TaskStore tasks;
    private final InstantSource clock;

    public Catalog(UnifiedJedis redis, TaskStore tasks, ResourceFiles files, InstantSource clock) {
        this.projects = new ProjectStore(redis);
        this.resources = new ResourceRecords(redis, files);
        this.workflows = new WorkflowDocuments(resources);
        this.tasks = tasks;
        this.clock = clock;
    }

    public ProjectStore projects() {
        return projects;
    }

    public ResourceRecords resources() {
        return resources;
    }

    public WorkflowDocuments workflows() {
        return workflows;
    }

    public TaskStore tasks() {
        return tasks;
    }

    /**
     * A resource of the tenant by id, with its project's name as {@code projectName}: how the
     * dialects find what to run.
     */
    public Optional<Map<String, String>> resource(String tenant, String resourceId) {
        return resources.find(tenant, resourceId).map(resource -> {
            Map<String, String> withProject = new LinkedHashMap<>(resource);
            withProject.put("projectName", projects.get(tenant, resource.get("projectID"))
                    .map(p -> p.get("name")).orElse(""));
            return withProject;
        });
    }

    /** A project of the tenant (Chorus's workspace), with {@code createdBy} when it was recorded. */
    public Optional<Map<String, String>> project(String tenant, String projectId) {
        return projects.get(tenant, projectId);
    }

    /** A project's resources, oldest first. */
    public List<Map<String, String>> projectResources(String tenant, String projectId) {
        return resources.list(tenant, projectId);
    }

    /** Stops every run of a task, removes it and frees its name; false when there was none. */
    public boolean deleteTask(String tenant, String taskId) {
        return tasks.delete(tenant, taskId, clock.millis());
    }

    /**
     * The {@code properties} a new task of a workflow resource starts with (see
     * {@link WorkflowDocuments#initialProperties}); every dialect's submit uses it.
     */
    public String workflowProperties(String tenant, Map<String, String> workflowResource) {
        return workflows.initialProperties(tenant, workflowResource);
    }
}
