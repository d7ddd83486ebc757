package io.trainyard.ingress.chorus;

import io.trainyard.ingress.auth.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A workfile in Chorus's shape (seed 002), with the fields Trainyard can fill. */
final class WorkfileView {
    private WorkfileView() {}

    static Map<String, Object> of(Workfiles.Workfile workfile, Principal principal) {
        Map<String, String> resource = workfile.resource();
        Map<String, Object> workspace = new LinkedHashMap<>();
        workspace.put("id", resource.get("projectID"));
        workspace.put("name", resource.getOrDefault("projectName", ""));
        workspace.put("entity_type", "workspace");
        workspace.put("is_deleted", null);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", resource.get("id"));
        view.put("workspace", workspace);
        view.put("file_name", resource.get("name"));
        view.put("file_type", "WORKFLOW".equals(resource.get("kind")) ? "work_flow" : resource.getOrDefault("kind", "")
                .toLowerCase(java.util.Locale.ROOT));
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
        view.put("owner", Map.of("username", principal.user(), "entity_type", "user"));
        view.put("associated_worklets", List.of());
        view.put("execution_locations", List.of());
        view.put("dataset_ids", List.of());
        view.put("task_id", workfile.taskId());
        view.put("complete_json", true);
        return view;
    }

    static String iso(String epochMillis) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(epochMillis)).toString();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
