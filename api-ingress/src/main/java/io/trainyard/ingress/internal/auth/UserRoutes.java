package io.trainyard.ingress.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Bodies;
import io.trainyard.ingress.internal.http.JsonFields;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.http.Responses;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /tenants} in the MLW API (ADMIN): tenants and their users. An ADMIN manages the users of
 * their own tenant; an ADMIN of the operator tenant ({@code TRAINYARD_OPERATOR_TENANT}) also
 * creates tenants and manages every tenant's users. The console's Users page calls these.
 */
public final class UserRoutes implements HttpService {
    private static final int MIN_PASSWORD = 8;
    /** bcrypt reads no further. */
    private static final int MAX_PASSWORD_BYTES = 72;

    private final UserStore store;
    private final Guard guard;
    private final Bodies bodies;
    private final String operatorTenant;

    public UserRoutes(UserStore store, Guard guard, Bodies bodies, String operatorTenant) {
        this.store = store;
        this.guard = guard;
        this.bodies = bodies;
        this.operatorTenant = operatorTenant;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/tenants", guard.require(Role.ADMIN, this::tenants))
                .post("/tenants", guard.require(Role.ADMIN, this::createTenant))
                .get("/tenants/{tenant}/users", guard.require(Role.ADMIN, this::users))
                .post("/tenants/{tenant}/users", guard.require(Role.ADMIN, this::addUser))
                .post("/tenants/{tenant}/users/{user}/password", guard.require(Role.ADMIN, this::resetPassword))
                .post("/tenants/{tenant}/users/{user}/disable", guard.require(Role.ADMIN, (q, r, p) -> disabled(q, r, p, true)))
                .post("/tenants/{tenant}/users/{user}/enable", guard.require(Role.ADMIN, (q, r, p) -> disabled(q, r, p, false)));
    }

    /** Whether {@code principal} may see and change the users of {@code tenant}. */
    public boolean mayManage(Principal principal, String tenant) {
        return principal.has(Role.ADMIN) && (principal.tenant().equals(tenant) || isOperator(principal));
    }

    public boolean isOperator(Principal principal) {
        return principal.has(Role.ADMIN) && !operatorTenant.isEmpty() && operatorTenant.equals(principal.tenant());
    }

    /** The tenants {@code principal} manages. */
    public List<String> tenantsOf(Principal principal) {
        return store.tenants().stream().filter(t -> mayManage(principal, t)).sorted().toList();
    }

    private void tenants(ServerRequest req, ServerResponse res, Principal principal) {
        Responses.ok(res, tenantsOf(principal).stream()
                .map(t -> Map.of("name", t, "users", store.usersOf(t).size())).toList());
    }

    private void createTenant(ServerRequest req, ServerResponse res, Principal principal) {
        if (!isOperator(principal)) {
            throw ApiException.of(Problem.FORBIDDEN, "Only an ADMIN of the operator tenant may create tenants");
        }
        String name = JsonFields.requiredString(bodies.jsonObject(req), "name");
        if (!validId(name)) {
            throw ApiException.invalid("name", "1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit");
        }
        if (!store.createTenant(name, principal.tenant() + "/" + principal.user())) {
            throw ApiException.of(Problem.CONFLICT, "Tenant " + name + " exists");
        }
        Responses.json(res, 201, Map.of("name", name));
    }

    private void users(ServerRequest req, ServerResponse res, Principal principal) {
        String tenant = managedTenant(req, principal);
        Responses.ok(res, store.usersOf(tenant).stream().map(UserRoutes::view).toList());
    }

    private void addUser(ServerRequest req, ServerResponse res, Principal principal) {
        String tenant = managedTenant(req, principal);
        JsonNode body = bodies.jsonObject(req);
        String user = JsonFields.requiredString(body, "user");
        if (!validId(user)) {
            throw ApiException.invalid("user", "1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit");
        }
        String password = password(body);
        Set<Role> roles = roles(body.get("roles"));
        if (!store.addUser(tenant, user, password, roles, principal.tenant() + "/" + principal.user())) {
            throw ApiException.of(Problem.CONFLICT, "User " + tenant + "/" + user + " exists");
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("tenant", tenant);
        view.put("user", user);
        view.put("roles", roles);
        view.put("disabled", false);
        Responses.json(res, 201, view);
    }

    private void resetPassword(ServerRequest req, ServerResponse res, Principal principal) {
        String tenant = managedTenant(req, principal);
        String user = req.path().pathParameters().get("user");
        String password = password(bodies.jsonObject(req));
        if (!store.resetPassword(tenant, user, password, principal.tenant() + "/" + principal.user())) {
            throw ApiException.notFound("User " + tenant + "/" + user);
        }
        Responses.ok(res, Map.of("tenant", tenant, "user", user, "passwordReset", true));
    }

    private void disabled(ServerRequest req, ServerResponse res, Principal principal, boolean disabled) {
        String tenant = managedTenant(req, principal);
        String user = req.path().pathParameters().get("user");
        if (disabled && tenant.equals(principal.tenant()) && user.equals(principal.user())) {
            throw ApiException.of(Problem.CONFLICT, "You cannot disable yourself");
        }
        if (!store.setDisabled(tenant, user, disabled, principal.tenant() + "/" + principal.user())) {
            throw ApiException.notFound("User " + tenant + "/" + user);
        }
        Responses.ok(res, Map.of("tenant", tenant, "user", user, "disabled", disabled));
    }

    /** The path's tenant, which must exist and be one {@code principal} manages (404 otherwise, as for another tenant's task). */
    private String managedTenant(ServerRequest req, Principal principal) {
        String tenant = req.path().pathParameters().get("tenant");
        if (!mayManage(principal, tenant) || !store.tenantExists(tenant)) {
            throw ApiException.notFound("Tenant " + tenant);
        }
        return tenant;
    }

    private static String password(JsonNode body) {
        String password = JsonFields.requiredString(body, "password");
        if (password.length() < MIN_PASSWORD || password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw ApiException.invalid("password", "from " + MIN_PASSWORD + " characters to " + MAX_PASSWORD_BYTES
                    + " bytes");
        }
        return password;
    }

    static Set<Role> roles(JsonNode roles) {
        if (roles == null || !roles.isArray() || roles.isEmpty()) {
            throw ApiException.missing("roles", "a non-empty list of " + List.of(Role.values()));
        }
        Set<Role> result = EnumSet.noneOf(Role.class);
        for (JsonNode role : roles) {
            try {
                result.add(Role.valueOf(role.asText()));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("roles", "each role is one of " + List.of(Role.values()));
            }
        }
        return result;
    }

    private static boolean validId(String id) {
        return id.length() <= 64 && ResourceFiles.isSafeId(id);
    }

    private static Map<String, Object> view(UserDirectory.User u) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("tenant", u.tenant());
        view.put("user", u.user());
        view.put("roles", u.roles());
        view.put("disabled", u.disabled());
        return view;
    }
}
