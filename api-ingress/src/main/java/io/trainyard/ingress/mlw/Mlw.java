package io.trainyard.ingress.mlw;

import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.resource.ResourceRecords;
import io.trainyard.common.store.TaskStore;
import io.trainyard.ingress.auth.Guard;
import io.trainyard.ingress.http.Bodies;
import io.trainyard.ingress.submit.ScheduleSink;
import io.trainyard.ingress.submit.Submissions;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * What the MLW endpoints share: stores, the submit path, body limits, the auth guard and the
 * clock. Built once by the composition root.
 */
public final class Mlw {
    final ProjectStore projects;
    final ResourceRecords resources;
    final WorkflowDocuments workflows;
    final TaskQueries tasks;
    final Submissions submissions;
    final ScheduleSink schedules;
    final Bodies bodies;
    final long maxUploadBytes;
    final Guard guard;
    final InstantSource clock;

    public Mlw(UnifiedJedis redis, TaskStore taskStore, ResourceFiles files, Submissions submissions,
               ScheduleSink schedules, Bodies bodies, long maxUploadBytes, Guard guard, InstantSource clock) {
        this.projects = new ProjectStore(redis);
        this.resources = new ResourceRecords(redis, files);
        this.workflows = new WorkflowDocuments(resources);
        this.tasks = new TaskQueries(taskStore, redis);
        this.submissions = submissions;
        this.schedules = schedules;
        this.bodies = bodies;
        this.maxUploadBytes = maxUploadBytes;
        this.guard = guard;
        this.clock = clock;
    }

    /**
     * A resource of the tenant by id, with its project's name as {@code projectName}: how the
     * other dialects (Chorus workfiles, maiascore trainings) find what to run.
     */
    public Optional<Map<String, String>> resource(String tenant, String resourceId) {
        return resources.find(tenant, resourceId).map(resource -> {
            Map<String, String> withProject = new java.util.LinkedHashMap<>(resource);
            withProject.put("projectName", projects.get(tenant, resource.get("projectID"))
                    .map(p -> p.get("name")).orElse(""));
            return withProject;
        });
    }

    /**
     * The {@code properties} a new task of a workflow resource starts with (see
     * {@link WorkflowDocuments#initialProperties}); every dialect's submit uses it.
     */
    public String workflowProperties(String tenant, Map<String, String> workflowResource) {
        return workflows.initialProperties(tenant, workflowResource);
    }

    /** The MLW routes, to register under {@link MlwDialect#BASE}. */
    public MlwService service() {
        return new MlwService(new ProjectRoutes(this), new ResourceRoutes(this), new TaskRoutes(this));
    }
}
