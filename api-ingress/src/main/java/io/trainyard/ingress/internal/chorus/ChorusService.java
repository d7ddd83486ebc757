package io.trainyard.ingress.internal.chorus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.json.Json;
import io.trainyard.ingress.Submissions;
import io.trainyard.ingress.TaskStore;
import io.trainyard.ingress.internal.auth.Authenticator;
import io.trainyard.ingress.internal.auth.Guard;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.auth.Sessions;
import io.trainyard.ingress.internal.catalog.Catalog;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Bodies;
import io.trainyard.ingress.internal.http.FlatBody;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.pipeline.Pipelines;
import io.trainyard.ingress.internal.submit.ScheduleSink;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * Chorus's {@code /api}: sessions (log in for a {@code _session_id} cookie), workfiles (read,
 * run, stop) and jobs (create, list, read, run, stop, delete). Every answer is wrapped as {@code {"response": ...}}.
 */
public final class ChorusService implements HttpService, AutoCloseable {
    private static final ObjectMapper WITH_NULLS = Json.MAPPER.copy()
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    private final Workfiles workfiles;
    private final WorkfileView view;
    private final Jobs jobs;
    private final JobView jobView;
    private final JobSweeper sweeper;
    private final InstantSource clock;
    private final SessionCookies cookies;
    private final Authenticator authenticator;
    private final Guard guard;
    private final Bodies bodies;

    public ChorusService(UnifiedJedis redis, TaskStore store, Catalog catalog, Submissions submissions, ScheduleSink schedules,
                         Pipelines pipelines, Authenticator authenticator, Bodies bodies, InstantSource clock) {
        ChorusIds ids = new ChorusIds(redis);
        this.workfiles = new Workfiles(ids, store, catalog, submissions, clock);
        this.view = new WorkfileView(ids, catalog, authenticator.users());
        this.cookies = new SessionCookies(authenticator.sessions());
        this.jobs = new Jobs(redis, ids, workfiles, store, catalog, submissions, schedules, pipelines, clock);
        this.jobView = new JobView(ids, catalog, authenticator.users(), clock);
        this.sweeper = new JobSweeper(redis, jobs);
        this.clock = clock;
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
                        answer(req, res, p, 200, view.of(workfiles.get(p, id(req)), p))))
                .post("/api/workfiles/{id}/run", guard.require(Role.ADMIN, (req, res, p) ->
                        answer(req, res, p, 202, view.of(workfiles.run(p, id(req)), p))))
                .post("/api/workfiles/{id}/stop", guard.require(Role.ADMIN, (req, res, p) ->
                        answer(req, res, p, 202, view.of(workfiles.stop(p, id(req)), p))))
                .post("/api/jobs", guard.require(Role.ADMIN, (req, res, p) ->
                        answer(req, res, p, 201, job(jobs.create(p, JobBody.parse(bodies.bytes(req), clock.instant())), p))))
                .get("/api/jobs", guard.require(Role.READ, (req, res, p) ->
                        answer(req, res, p, 200, jobs.list(p).stream().map(j -> job(j, p)).toList())))
                .get("/api/jobs/{id}", guard.require(Role.READ, (req, res, p) ->
                        answer(req, res, p, 200, job(jobs.get(p, id(req)), p))))
                .post("/api/jobs/{id}/run", guard.require(Role.ADMIN, (req, res, p) ->
                        answer(req, res, p, 202, job(jobs.run(p, id(req)), p))))
                .post("/api/jobs/{id}/stop", guard.require(Role.ADMIN, (req, res, p) ->
                        answer(req, res, p, 202, job(jobs.stop(p, id(req)), p))))
                .delete("/api/jobs/{id}", guard.require(Role.ADMIN, (req, res, p) ->
                        answer(req, res, p, 200, job(jobs.delete(p, id(req)), p))));
    }

    private Map<String, Object> job(Map<String, String> job, Principal principal) {
        return jobView.of(job, jobs.status(principal.tenant(), job), principal);
    }

    @Override
    public void close() {
        sweeper.close();
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    /** An answer to a signed-in request: the session it came in on comes back under a new cookie value. */
    private void answer(ServerRequest req, ServerResponse res, Principal principal, int status, Object response) {
        cookies.rotate(req, res);
        respond(res, status, response);
    }

    /**
     * Chorus's envelope and headers (seed 002): no sniffing, no caching, the charset named; a
     * field with no value is written as null, as Chorus writes it, not left out.
     */
    static void respond(ServerResponse res, int status, Object response) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("response", response);
        res.status(status);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.CONTENT_TYPE, ChorusDialect.CONTENT_TYPE);
        try {
            res.send(WITH_NULLS.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode a Chorus answer", e);
        }
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
