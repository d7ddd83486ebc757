package io.trainyard.ingress.internal.ui;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.json.Json;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Users and tenants page (ADMIN): the users of every tenant the signed-in ADMIN manages, with
 * forms to add a user, reset a password, disable or enable a user and (operator tenant) create a
 * tenant. Reads come from the user store; writes go through the API's {@code /tenants}.
 */
final class UserPages {
    private final ConsoleContext context;
    private Console console;

    UserPages(ConsoleContext context) {
        this.context = context;
    }

    void routing(HttpRules rules, Console console) {
        this.console = console;
        rules.get("/users", console.page(Role.ADMIN, this::list))
                .post("/tenants", console.form(Role.ADMIN, (req, res, p, form) -> call(req, res, "/service/mlw/tenants",
                        Map.of("name", form.getOrDefault("name", "").strip()))))
                .post("/users/add", console.form(Role.ADMIN, (req, res, p, form) -> {
                    List<String> roles = new ArrayList<>();
                    for (Role role : Role.values()) {
                        if (form.containsKey("role-" + role)) {
                            roles.add(role.name());
                        }
                    }
                    call(req, res, tenantPath(form) + "/users", Map.of("user", form.getOrDefault("user", "").strip(),
                            "password", form.getOrDefault("password", ""), "roles", roles));
                }))
                .post("/users/password", console.form(Role.ADMIN, (req, res, p, form) -> call(req, res,
                        userPath(form) + "/password", Map.of("password", form.getOrDefault("password", "")))))
                .post("/users/disable", console.form(Role.ADMIN, (req, res, p, form) -> call(req, res,
                        userPath(form) + "/disable", Map.of())))
                .post("/users/enable", console.form(Role.ADMIN, (req, res, p, form) -> call(req, res,
                        userPath(form) + "/enable", Map.of())));
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) {
        List<TenantUsers> tenants = context.userRoutes().tenantsOf(principal).stream()
                .map(t -> new TenantUsers(t, context.userStore().usersOf(t))).toList();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chrome", console.chrome(req, principal, "users"));
        params.put("tenants", tenants);
        params.put("operator", context.userRoutes().isOperator(principal));
        params.put("roles", List.of(Role.values()));
        context.pages().send(res, 200, "users", params);
    }

    private void call(ServerRequest req, ServerResponse res, String path, Map<String, Object> body) {
        ApiCalls.Answer answer = context.api().json(TaskPages.cookie(req), "POST", path, Json.writeString(body));
        if (!answer.ok()) {
            console.error(req, res, answer.status(), answer.message());
            return;
        }
        Pages.redirect(res, Console.BASE + "/users", Console.isHtmx(req));
    }

    private static String tenantPath(Map<String, String> form) {
        return "/service/mlw/tenants/" + ApiCalls.segment(form.getOrDefault("tenant", ""));
    }

    private static String userPath(Map<String, String> form) {
        return tenantPath(form) + "/users/" + ApiCalls.segment(form.getOrDefault("user", ""));
    }
}
