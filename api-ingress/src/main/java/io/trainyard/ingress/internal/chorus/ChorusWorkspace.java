package io.trainyard.ingress.internal.chorus;

import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Trainyard project in Chorus's {@code workspace} shape (seed 002). Filled from the project:
 * name, summary (its description), the counts of its workfiles and datasets, its owner (who
 * created it) and the caller's permissions. What Trainyard has no notion of is answered as a
 * Chorus workspace without it: no comments, insights or milestones, not archived, the default
 * stage, no target date (null, as Chorus answers an unset one). A project is visible to its
 * whole tenant, so it is public and the caller a member.
 */
final class ChorusWorkspace {
    /** Chorus's first, default stage; Trainyard has no stages, so every workspace is in it. */
    static final long DEFINE_STAGE_ID = ChorusIds.FIRST;

    private ChorusWorkspace() {}

    /** {@code resources}: the project's resources; {@code owner}: its creator with its Chorus id. */
    static Map<String, Object> of(long id, Map<String, String> project, List<Map<String, String>> resources,
                                  long ownerId, Principal owner, Principal caller, Map<String, Object> sandbox) {
        long workfiles = resources.size();
        long datasets = resources.stream().filter(r -> "DATA".equals(r.get("kind"))).count();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("name", project.getOrDefault("name", ""));
        view.put("is_deleted", null);
        view.put("entity_type", "workspace");
        view.put("archived", false);
        view.put("public", true);
        view.put("archived_at", null);
        view.put("summary", project.getOrDefault("description", ""));
        view.put("permission", permission(caller));
        view.put("datasets_count", datasets);
        view.put("members_count", 1);
        view.put("workfiles_count", workfiles);
        view.put("insights_count", 0);
        view.put("recent_insights_count", 0);
        view.put("recent_comments_count", 0);
        view.put("has_recent_comments", false);
        view.put("has_milestones", false);
        view.put("workspace_stage", stage());
        view.put("workspace_stage_id", DEFINE_STAGE_ID);
        view.put("archiver", null);
        view.put("image", ChorusUser.image());
        view.put("tags", List.of());
        view.put("has_added_member", false);
        view.put("has_added_workfile", workfiles > 0);
        view.put("has_added_sandbox", true);
        view.put("has_changed_settings", false);
        view.put("sandbox_info", sandbox);
        view.put("show_sandbox_datasets", true);
        view.put("owner", ChorusUser.full(ownerId, owner));
        view.put("is_member", true);
        view.put("is_project", true);
        view.put("project_status", "on_track");
        view.put("project_status_reason", null);
        view.put("milestone_count", 0);
        view.put("milestone_completed_count", 0);
        view.put("project_target_date", null);
        view.put("complete_json", true);
        return view;
    }

    /** Chorus's workspace permissions for what the caller's roles allow. */
    private static List<String> permission(Principal caller) {
        List<String> permission = new ArrayList<>();
        if (caller.has(Role.ADMIN)) {
            permission.add("admin");
        }
        if (caller.has(Role.UPDATE)) {
            permission.add("update");
        }
        if (caller.has(Role.CREATE)) {
            permission.add("create_workflow");
        }
        if (caller.has(Role.READ)) {
            permission.add("read");
        }
        return permission;
    }

    private static Map<String, Object> stage() {
        Map<String, Object> stage = new LinkedHashMap<>();
        stage.put("default", true);
        stage.put("id", DEFINE_STAGE_ID);
        stage.put("name", "Define");
        stage.put("position", 0);
        stage.put("description_long", "Define the essential components of the project.");
        stage.put("description_short", "Define the essential components of the project.");
        stage.put("complete_json", true);
        return stage;
    }
}
