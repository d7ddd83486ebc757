package io.trainyard.ingress.mlw;

import io.trainyard.common.Ids;
import io.trainyard.common.resource.ResourceFiles;
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
 * in a Redis hash. Content is written to a temporary file and moved into place, so a worker never
 * reads a half-written script.
 */
final class ResourceStore {
    private final UnifiedJedis redis;
    private final ResourceFiles files;

    ResourceStore(UnifiedJedis redis, ResourceFiles files) {
        this.redis = redis;
        this.files = files;
    }

    Map<String, String> create(String tenant, String projectId, String fileName, ResourceKind kind,
                               String contentType, InputStream content, long nowMillis) {
        String id = Ids.next();
        long size = write(tenant, projectId, id, content);
        Map<String, String> resource = new LinkedHashMap<>();
        resource.put("id", id);
        resource.put("name", fileName);
        resource.put("projectID", projectId);
        resource.put("kind", kind.name());
        resource.put("contentType", contentType);
        resource.put("size", Long.toString(size));
        resource.put("createdAt", Long.toString(nowMillis));
        resource.put("updatedAt", Long.toString(nowMillis));
        resource.put("sortTime", Long.toString(nowMillis / 1000));
        ProjectKeys keys = new ProjectKeys(tenant);
        try (var tx = redis.multi()) {
            tx.hset(keys.resource(id), resource);
            tx.zadd(keys.projectResources(projectId), nowMillis, id);
            tx.exec();
        }
        return resource;
    }

    /** The resource, if it exists and belongs to {@code projectId}. */
    Optional<Map<String, String>> get(String tenant, String projectId, String resourceId) {
        if (!ResourceFiles.isSafeId(resourceId)) {
            return Optional.empty();
        }
        Map<String, String> resource = redis.hgetAll(new ProjectKeys(tenant).resource(resourceId));
        if (resource.isEmpty() || !projectId.equals(resource.get("projectID"))) {
            return Optional.empty();
        }
        return Optional.of(resource);
    }

    /** The resource by id alone, whatever its project. */
    Optional<Map<String, String>> find(String tenant, String resourceId) {
        if (!ResourceFiles.isSafeId(resourceId)) {
            return Optional.empty();
        }
        Map<String, String> resource = redis.hgetAll(new ProjectKeys(tenant).resource(resourceId));
        return resource.isEmpty() ? Optional.empty() : Optional.of(resource);
    }

    List<Map<String, String>> list(String tenant, String projectId) {
        ProjectKeys keys = new ProjectKeys(tenant);
        List<Map<String, String>> resources = new ArrayList<>();
        for (String id : redis.zrange(keys.projectResources(projectId), 0, -1)) {
            Map<String, String> resource = redis.hgetAll(keys.resource(id));
            if (!resource.isEmpty()) {
                resources.add(resource);
            }
        }
        return resources;
    }

    Path content(String tenant, String projectId, String resourceId) {
        return files.content(tenant, projectId, resourceId);
    }

    /** Replaces the content; returns the new size. */
    long save(String tenant, String projectId, String resourceId, InputStream content, long nowMillis) {
        long size = write(tenant, projectId, resourceId, content);
        redis.hset(new ProjectKeys(tenant).resource(resourceId),
                Map.of("size", Long.toString(size), "updatedAt", Long.toString(nowMillis)));
        return size;
    }

    void delete(String tenant, String projectId, String resourceId) {
        ProjectKeys keys = new ProjectKeys(tenant);
        try (var tx = redis.multi()) {
            tx.del(keys.resource(resourceId));
            tx.zrem(keys.projectResources(projectId), resourceId);
            tx.exec();
        }
        deleteTree(files.directory(tenant, projectId, resourceId));
    }

    /** Removes the files of a whole project (its records are removed by the project store). */
    void deleteProjectFiles(String tenant, String projectId) {
        // The project directory is the parent of any resource directory.
        deleteTree(files.directory(tenant, projectId, "x").getParent());
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
