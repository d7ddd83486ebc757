package io.trainyard.common.resource;

import java.nio.file.Path;

/**
 * Where resource contents live on the shared volume:
 * {@code <data dir>/resources/<tenant>/<project id>/<resource id>/content}. Ids are checked
 * against a strict pattern first, so no path built here can leave the store's directory.
 */
public final class ResourceFiles {
    /** Longest id {@link #isSafeId} accepts. */
    public static final int MAX_ID_LENGTH = 128;

    private final Path root;

    public ResourceFiles(Path dataDir) {
        this.root = dataDir.toAbsolutePath().normalize().resolve("resources");
    }

    /** An id made of {@code [A-Za-z0-9][A-Za-z0-9_.-]*}, at most 128 characters, without "..". */
    public static boolean isSafeId(String id) {
        return hasIdShape(id, MAX_ID_LENGTH) && !id.contains("..");
    }

    /**
     * True for 1 to {@code maxLength} characters of {@code [A-Za-z0-9_.-]} starting with a letter or
     * digit. (A loop rather than a regular expression: workers check several ids of every job.)
     */
    public static boolean hasIdShape(String text, int maxLength) {
        if (text == null || text.isEmpty() || text.length() > maxLength || !isAlphanumeric(text.charAt(0))) {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isAlphanumeric(c) && c != '_' && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
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
