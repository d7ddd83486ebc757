package io.trainyard.common.resource;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where resource contents live on the shared volume:
 * {@code <data dir>/resources/<tenant>/<project id>/<resource id>/content}. Ids are checked
 * against a strict pattern first, so no path built here can leave the store's directory.
 */
public final class ResourceFiles {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final Path root;

    public ResourceFiles(Path dataDir) {
        this.root = dataDir.toAbsolutePath().normalize().resolve("resources");
    }

    public static boolean isSafeId(String id) {
        return id != null && SAFE_ID.matcher(id).matches() && !id.contains("..");
    }

    public Path directory(String tenant, String projectId, String resourceId) {
        for (String part : new String[] {tenant, projectId, resourceId}) {
            if (!isSafeId(part)) {
                throw new IllegalArgumentException("unsafe id in a resource path: '" + part + "'");
            }
        }
        Path dir = root.resolve(tenant).resolve(projectId).resolve(resourceId).normalize();
        if (!dir.startsWith(root)) {
            throw new IllegalArgumentException("resource path escapes the store");
        }
        return dir;
    }

    public Path content(String tenant, String projectId, String resourceId) {
        return directory(tenant, projectId, resourceId).resolve("content");
    }
}
