package io.trainyard.common.resource;

import io.trainyard.common.store.SlotTransaction;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import redis.clients.jedis.UnifiedJedis;

/**
 * Resources of a project: the content on the shared volume ({@link ResourceFiles}), the metadata
 * in a Redis hash ({@link ResourceKeys#resource}) indexed per project. The one definition of the
 * record for the ingress (uploads, listing, download) and the worker (the models trainings save).
 * Content is written to a temporary file and moved into place before the record exists, so no
 * reader ever sees a record whose content is half-written.
 */
public final class ResourceRecords {
    public static final String ID = "id";
    public static final String NAME = "name";
    public static final String PROJECT_ID = "projectID";
    /** A {@link ResourceKind} name. */
    public static final String KIND = "kind";
    public static final String CONTENT_TYPE = "contentType";
    public static final String SIZE = "size";
    public static final String CREATED_AT = "createdAt";
    public static final String UPDATED_AT = "updatedAt";
    public static final String SORT_TIME = "sortTime";
    /** On a MODEL a training saved: its version, and the workflow, task and run that trained it. */
    public static final String VERSION = "version";
    public static final String WORKFLOW_ID = "workflowID";
    public static final String TASK_ID = "taskID";
    public static final String RUN_ID = "runID";
    /** On a WORKFLOW: the last model version given out ({@link #modelVersion}). */
    public static final String LAST_MODEL_VERSION = "lastModelVersion";

    private static final LuaScript CREATE = LuaScript.load("resource_create");
    private static final LuaScript MODEL_VERSION = LuaScript.load("model_version");

    private final UnifiedJedis redis;
    private final ResourceFiles files;

    public ResourceRecords(UnifiedJedis redis, ResourceFiles files) {
        this.redis = redis;
        this.files = files;
    }

    /**
     * Stores a new resource: content first, then the record, atomically with the project's
     * existence. Empty (and no content left behind) when the project does not exist.
     *
     * @param extra further record fields, e.g. a model's {@link #VERSION}
     */
    public Optional<Map<String, String>> create(String tenant, String projectId, String resourceId, String fileName,
                                                ResourceKind kind, String contentType, InputStream content,
                                                long nowMillis, Map<String, String> extra) {
        long size = write(tenant, projectId, resourceId, content);
        Map<String, String> resource = new LinkedHashMap<>();
        resource.put(ID, resourceId);
        resource.put(NAME, fileName);
        resource.put(PROJECT_ID, projectId);
        resource.put(KIND, kind.name());
        resource.put(CONTENT_TYPE, contentType);
        resource.put(SIZE, Long.toString(size));
        resource.put(CREATED_AT, Long.toString(nowMillis));
        resource.put(UPDATED_AT, Long.toString(nowMillis));
        resource.put(SORT_TIME, Long.toString(nowMillis / 1000));
        resource.putAll(extra);
        ResourceKeys keys = new ResourceKeys(tenant);
        List<String> args = new ArrayList<>(List.of(Long.toString(nowMillis), resourceId));
        resource.forEach((k, v) -> { args.add(k); args.add(v); });
        long created = (Long) CREATE.eval(redis, List.of(keys.project(projectId), keys.resource(resourceId),
                keys.projectResources(projectId)), args);
        if (created != 1) {
            deleteTree(files.directory(tenant, projectId, resourceId));
            return Optional.empty();
        }
        return Optional.of(resource);
    }

    /** The resource, if it exists and belongs to {@code projectId}. */
    public Optional<Map<String, String>> get(String tenant, String projectId, String resourceId) {
        return find(tenant, resourceId).filter(resource -> projectId.equals(resource.get(PROJECT_ID)));
    }

    /** The resource by id alone, whatever its project. */
    public Optional<Map<String, String>> find(String tenant, String resourceId) {
        if (!ResourceFiles.isSafeId(resourceId)) {
            return Optional.empty();
        }
        Map<String, String> resource = redis.hgetAll(new ResourceKeys(tenant).resource(resourceId));
        return resource.isEmpty() ? Optional.empty() : Optional.of(resource);
    }

    /** A project's resources, oldest first. */
    public List<Map<String, String>> list(String tenant, String projectId) {
        ResourceKeys keys = new ResourceKeys(tenant);
        List<Map<String, String>> resources = new ArrayList<>();
        for (String id : redis.zrange(keys.projectResources(projectId), 0, -1)) {
            Map<String, String> resource = redis.hgetAll(keys.resource(id));
            if (!resource.isEmpty()) {
                resources.add(resource);
            }
        }
        return resources;
    }

    public Path content(String tenant, String projectId, String resourceId) {
        return files.content(tenant, projectId, resourceId);
    }

    /** Replaces the content; returns the new size. */
    public long save(String tenant, String projectId, String resourceId, InputStream content, long nowMillis) {
        long size = write(tenant, projectId, resourceId, content);
        redis.hset(new ResourceKeys(tenant).resource(resourceId),
                Map.of(SIZE, Long.toString(size), UPDATED_AT, Long.toString(nowMillis)));
        return size;
    }

    public void delete(String tenant, String projectId, String resourceId) {
        ResourceKeys keys = new ResourceKeys(tenant);
        try (var tx = SlotTransaction.on(redis, keys.projectResources(projectId))) {
            tx.del(keys.resource(resourceId));
            tx.zrem(keys.projectResources(projectId), resourceId);
            tx.exec();
        }
        deleteTree(files.directory(tenant, projectId, resourceId));
    }

    /** Removes the files of a whole project (its records are removed with the project). */
    public void deleteProjectFiles(String tenant, String projectId) {
        // The project directory is the parent of any resource directory.
        deleteTree(files.directory(tenant, projectId, "x").getParent());
    }

    /**
     * The version of the model a run of a workflow saves: 1, 2, ... per workflow resource, given
     * once per run (a retried attempt keeps its number; a run that fails leaves a gap, as build
     * numbers do). 0 when the workflow resource or the run no longer exists.
     */
    public long modelVersion(String tenant, String workflowResourceId, String runId) {
        return (Long) MODEL_VERSION.eval(redis, List.of(new ResourceKeys(tenant).resource(workflowResourceId),
                new TenantKeys(tenant).run(runId)), List.of());
    }

    private long write(String tenant, String projectId, String resourceId, InputStream content) {
        Path target = files.content(tenant, projectId, resourceId);
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), "upload-", ".part");
            try {
                long size = Files.copy(content, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return size;
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store resource " + resourceId, e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
