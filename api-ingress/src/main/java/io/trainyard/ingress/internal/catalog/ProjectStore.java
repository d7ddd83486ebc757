package io.trainyard.ingress.internal.catalog;

import io.trainyard.common.Ids;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.resource.ResourceRecords;
import io.trainyard.common.store.LuaScript;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/** A tenant's MLW projects in Redis; project names are unique per tenant, enforced atomically. */
public final class ProjectStore {
    private static final LuaScript CREATE = LuaScript.load("mlw_project_create");
    private static final LuaScript UPDATE = LuaScript.load("mlw_project_update");
    private static final LuaScript DELETE = LuaScript.load("mlw_project_delete");

    /** The outcome of an update. */
    public enum Updated { UPDATED, NAME_TAKEN, NOT_FOUND }

    private final UnifiedJedis redis;

    public ProjectStore(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** Creates a project; empty when the tenant already has a project of that name. */
    public Optional<Map<String, String>> create(String tenant, String name, String description, String createdBy,
                                         long nowMillis) {
        ProjectKeys keys = new ProjectKeys(tenant);
        Map<String, String> project = new LinkedHashMap<>();
        project.put("id", Ids.next());
        project.put("name", name);
        project.put("description", description);
        project.put("createdBy", createdBy);
        project.put("createdAt", Long.toString(nowMillis));
        project.put("sortTime", Long.toString(nowMillis / 1000));
        List<String> args = new ArrayList<>(List.of(name, project.get("id"), Long.toString(nowMillis)));
        project.forEach((k, v) -> { args.add(k); args.add(v); });
        List<?> reply = (List<?>) CREATE.eval(redis,
                List.of(keys.projectNames(), keys.project(project.get("id")), keys.projects()), args);
        return ((Long) reply.get(0)) == 1L ? Optional.of(project) : Optional.empty();
    }

    public Optional<Map<String, String>> get(String tenant, String projectId) {
        Map<String, String> project = redis.hgetAll(new ProjectKeys(tenant).project(projectId));
        return project.isEmpty() ? Optional.empty() : Optional.of(project);
    }

    /**
     * A project and one of its resources, read together in one round trip (the submit path's
     * lookup). Empty when the project does not exist; {@code resource} is empty when the resource
     * does not exist or belongs to another project.
     */
    public Optional<WithResource> getWithResource(String tenant, String projectId, String resourceId) {
        ProjectKeys keys = new ProjectKeys(tenant);
        boolean safeResourceId = ResourceFiles.isSafeId(resourceId);
        Response<Map<String, String>> project;
        Response<Map<String, String>> resource = null;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            project = pipeline.hgetAll(keys.project(projectId));
            if (safeResourceId) {
                resource = pipeline.hgetAll(keys.resource(resourceId));
            }
            pipeline.sync();
        }
        if (project.get().isEmpty()) {
            return Optional.empty();
        }
        Optional<Map<String, String>> found = Optional.ofNullable(resource).map(Response::get)
                .filter(r -> projectId.equals(r.get(ResourceRecords.PROJECT_ID)));
        return Optional.of(new WithResource(project.get(), found));
    }

    /** What {@link #getWithResource} read. */
    public record WithResource(Map<String, String> project, Optional<Map<String, String>> resource) {}

    public List<Map<String, String>> list(String tenant) {
        List<Map<String, String>> projects = new ArrayList<>();
        ProjectKeys keys = new ProjectKeys(tenant);
        for (String id : redis.zrevrange(keys.projects(), 0, -1)) {
            Map<String, String> project = redis.hgetAll(keys.project(id));
            if (!project.isEmpty()) {
                projects.add(project);
            }
        }
        return projects;
    }

    /** Renames ({@code newName} null keeps the name) and/or sets the description (null keeps it). */
    public Updated update(String tenant, String projectId, String newName, String description) {
        ProjectKeys keys = new ProjectKeys(tenant);
        List<String> args = new ArrayList<>(List.of(newName == null ? "" : newName, projectId));
        if (description != null) {
            args.add("description");
            args.add(description);
        }
        long reply = (Long) UPDATE.eval(redis, List.of(keys.projectNames(), keys.project(projectId)), args);
        return reply == 1 ? Updated.UPDATED : reply == 0 ? Updated.NAME_TAKEN : Updated.NOT_FOUND;
    }

    /** Deletes the project and its resources' records; returns the resource ids, or empty if absent. */
    public Optional<List<String>> delete(String tenant, String projectId) {
        ProjectKeys keys = new ProjectKeys(tenant);
        Object reply = DELETE.eval(redis, List.of(keys.projectNames(), keys.project(projectId), keys.projects(),
                keys.projectResources(projectId)), List.of(projectId, keys.resource("")));
        if (reply == null) {
            return Optional.empty();
        }
        List<String> ids = new ArrayList<>();
        for (Object id : (List<?>) reply) {
            ids.add((String) id);
        }
        return Optional.of(ids);
    }
}
