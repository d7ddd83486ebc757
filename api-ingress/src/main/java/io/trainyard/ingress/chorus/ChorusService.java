package io.trainyard.ingress.chorus;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.store.TaskStore;
import io.trainyard.ingress.auth.Authenticator;
import io.trainyard.ingress.auth.Guard;
import io.trainyard.ingress.auth.Principal;
import io.trainyard.ingress.auth.Role;
import io.trainyard.ingress.auth.Sessions;
import io.trainyard.ingress.http.ApiException;
import io.trainyard.ingress.http.Bodies;
import io.trainyard.ingress.http.FlatBody;
import io.trainyard.ingress.http.Problem;
import io.trainyard.ingress.http.Responses;
import io.trainyard.ingress.mlw.Mlw;
import io.trainyard.ingress.submit.Submissions;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * Chorus's {@code /api}: sessions (log in for a {@code _session_id} cookie) and workfiles (read,
 * run, stop). Every answer is wrapped as {@code {"response": ...}}.
 */
public final class ChorusService implements HttpService {
    private final Workfiles workfiles;
    private final Authenticator authenticator;
    private final Guard guard;
    private final Bodies bodies;

    public ChorusService(UnifiedJedis redis, TaskStore store, Mlw mlw, Submissions submissions,
                         Authenticator authenticator, Bodies bodies, InstantSource clock) {
        this.workfiles = new Workfiles(redis, store, mlw, submissions, clock);
        this.authenticator = authenticator;
        this.guard = new Guard(authenticator::any);
        this.bodies = bodies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/sessions", this::login)
                .get("/api/sessions", guard.require(Role.READ, this::current))
                .delete("/api/sessions", this::logout)
                .get("/api/workfiles/{id}", guard.require(Role.READ, (req, res, p) ->
                        respond(res, 200, WorkfileView.of(workfiles.get(p, id(req)), p))))
                .post("/api/workfiles/{id}/run", guard.require(Role.ADMIN, (req, res, p) ->
                        respond(res, 202, WorkfileView.of(workfiles.run(p, id(req)), p))))
                .post("/api/workfiles/{id}/stop", guard.require(Role.ADMIN, (req, res, p) ->
                        respond(res, 202, WorkfileView.of(workfiles.stop(p, id(req)), p))));
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    static void respond(ServerResponse res, int status, Object response) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("response", response);
        Responses.json(res, status, body);
    }

    private void login(ServerRequest req, ServerResponse res) {
        Map<String, String> fields = credentials(req);
        Principal principal = authenticator.login(fields.getOrDefault("username", ""), fields.getOrDefault("password", ""))
                .orElseThrow(() -> ApiException.of(Problem.BAD_CREDENTIALS, "Username or password incorrect"));
        String cookie = authenticator.sessions().open(principal);
        res.header(HeaderNames.SET_COOKIE, Sessions.COOKIE + "=" + cookie + "; Path=/; HttpOnly; SameSite=Lax; Max-Age="
                + Sessions.LIFETIME.toSeconds());
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("user", user(principal));
        session.put("session_id", cookie);
        respond(res, 201, session);
    }

    private void current(ServerRequest req, ServerResponse res, Principal principal) {
        respond(res, 200, Map.of("user", user(principal)));
    }

    private void logout(ServerRequest req, ServerResponse res) {
        req.headers().cookies().first(Sessions.COOKIE).ifPresent(authenticator.sessions()::close);
        res.header(HeaderNames.SET_COOKIE, Sessions.COOKIE + "=; Path=/; HttpOnly; Max-Age=0");
        respond(res, 200, Map.of());
    }

    private static Map<String, Object> user(Principal principal) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", principal.tenant() + "/" + principal.user());
        user.put("tenant", principal.tenant());
        user.put("roles", principal.roles().stream().map(Enum::name).sorted().toList());
        user.put("admin", principal.has(Role.ADMIN));
        user.put("entity_type", "user");
        return user;
    }

    /** {@code username} ("tenant/user") and {@code password}, as a form (Chorus's own) or JSON. */
    private Map<String, String> credentials(ServerRequest req) {
        Map<String, String> fields = FlatBody.parse(bodies.bytes(req));
        for (String field : new String[] {"username", "password"}) {
            if (fields.getOrDefault(field, "").isEmpty()) {
                throw ApiException.missing(field);
            }
        }
        return fields;
    }
}
