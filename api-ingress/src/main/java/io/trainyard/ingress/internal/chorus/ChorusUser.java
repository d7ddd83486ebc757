package io.trainyard.ingress.internal.chorus;

import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Trainyard user in Chorus's {@code user} shape (seed 002): the short form a workfile's owner
 * has, and the full one (with contact fields) a workspace's owner has. Trainyard knows a user's
 * name and roles; the profile fields it has no data for are empty strings, as Chorus shows an
 * unset profile.
 */
final class ChorusUser {
    private ChorusUser() {}

    static Map<String, Object> brief(long id, Principal user) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("username", user.user());
        view.put("first_name", user.user());
        view.put("last_name", "");
        view.put("image", image());
        view.put("is_deleted", null);
        view.put("auth_method", "internal");
        view.put("ldap_group_id", null);
        view.put("user_type", "analytics_developer");
        view.put("entity_type", "user");
        view.put("using_default_image", true);
        view.put("active_license", true);
        view.put("is_siteadmin", user.roles().contains(Role.ADMIN));
        view.put("roles", roles(user));
        return view;
    }

    static Map<String, Object> full(long id, Principal user) {
        Map<String, Object> view = brief(id, user);
        view.put("email", "");
        view.put("title", "");
        view.put("dept", "");
        view.put("notes", "");
        view.put("admin", user.roles().contains(Role.ADMIN));
        view.put("subscribed_to_emails", false);
        view.put("tags", List.of());
        view.put("deactivated_at", null);
        view.put("complete_json", true);
        return view;
    }

    /** Chorus's own role names where one matches (an ADMIN is Chorus's data_admin), else Trainyard's, lower case. */
    static List<String> roles(Principal user) {
        List<String> roles = new ArrayList<>();
        for (Role role : Role.values()) {
            if (user.roles().contains(role)) {
                roles.add(role == Role.ADMIN ? "data_admin" : role.name().toLowerCase(Locale.ROOT));
            }
        }
        return roles;
    }

    static Map<String, Object> image() {
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("original", "");
        image.put("icon", "");
        image.put("entity_type", "image");
        image.put("complete_json", true);
        return image;
    }
}
