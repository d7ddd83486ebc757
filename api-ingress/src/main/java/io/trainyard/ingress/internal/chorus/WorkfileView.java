package io.trainyard.ingress.internal.chorus;

import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.UserDirectory;
import io.trainyard.ingress.internal.catalog.Catalog;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A workfile in Chorus's shape (seed 002): every field the seed shows, typed as it types them,
 * with its workspace (the resource's project) and owner (who created the project; Trainyard does
 * not record who uploaded each file) in full. Ids are Chorus integers. {@code task_id} (the
 * Trainyard task of the latest run) is an addition.
 */
final class WorkfileView {
    private final ChorusIds ids;
    private final Catalog catalog;
    private final UserDirectory users;

    WorkfileView(ChorusIds ids, Catalog catalog, UserDirectory users) {
        this.ids = ids;
        this.catalog = catalog;
        this.users = users;
    }

    Map<String, Object> of(Workfiles.Workfile workfile, Principal caller) {
        String tenant = caller.tenant();
        Map<String, String> resource = workfile.resource();
        Map<String, String> project = catalog.project(tenant, resource.get("projectID"))
                .orElse(Map.of("id", resource.get("projectID"), "name", resource.getOrDefault("projectName", "")));
        Principal owner = owner(project, caller);
        long ownerId = ids.of(tenant, ChorusIds.Kind.USER, owner.user());
        ExecutionLocation location = location(tenant, ownerId);
        Map<String, Object> workspace = ChorusWorkspace.of(ids.of(tenant, ChorusIds.Kind.WORKSPACE, project.get("id")),
                project, catalog.projectResources(tenant, project.get("id")), ownerId, owner, caller,
                location.sandbox(iso(project.getOrDefault("createdAt", resource.get("createdAt")))));

        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", workfile.chorusId());
        view.put("workspace", workspace);
        view.put("file_name", resource.get("name"));
        view.put("file_type", fileType(resource.get("kind")));
        view.put("latest_version_id", null);
        view.put("is_deleted", null);
        view.put("recent_comments", List.of());
        view.put("comment_count", 0);
        view.put("tags", List.of());
        view.put("entity_type", "workfile");
        view.put("entity_subtype", "alpine");
        view.put("user_modified_at", iso(resource.get("updatedAt")));
        view.put("status", workfile.status());
        view.put("description", null);
        view.put("link_url", null);
        view.put("owner", ChorusUser.brief(ownerId, owner));
        view.put("associated_worklets", List.of());
        view.put("execution_locations", List.of(location.database()));
        view.put("dataset_ids", List.of());
        view.put("task_id", workfile.taskId());
        view.put("complete_json", true);
        return view;
    }

    /** The tenant's one execution location, its ids numbered like any entity's. */
    ExecutionLocation location(String tenant, long ownerId) {
        return new ExecutionLocation(ids.of(tenant, ChorusIds.Kind.EXECUTION_LOCATION, "database"),
                ids.of(tenant, ChorusIds.Kind.EXECUTION_LOCATION, "data_source"),
                ids.of(tenant, ChorusIds.Kind.EXECUTION_LOCATION, "schema"), ownerId);
    }

    /** The project's creator as a user; the caller for a project from before creators were recorded. */
    private Principal owner(Map<String, String> project, Principal caller) {
        String createdBy = project.get("createdBy");
        if (createdBy == null || createdBy.isEmpty() || createdBy.equals(caller.user())) {
            return caller;
        }
        return users.find(caller.tenant(), createdBy).orElse(new Principal(caller.tenant(), createdBy, Set.of()));
    }

    /** Chorus's file types: a workflow is {@code work_flow}, other files their kind in lower case. */
    private static String fileType(String kind) {
        return "WORKFLOW".equals(kind) ? "work_flow" : String.valueOf(kind).toLowerCase(Locale.ROOT);
    }

    /** Chorus's timestamps: UTC to the second, {@code 2019-04-03T22:09:35Z}. */
    static String iso(String epochMillis) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(epochMillis)).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
