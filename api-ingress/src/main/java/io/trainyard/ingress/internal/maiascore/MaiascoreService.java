package io.trainyard.ingress.internal.maiascore;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.ingress.Submissions;
import io.trainyard.ingress.TaskStore;
import io.trainyard.ingress.internal.auth.Authenticator;
import io.trainyard.ingress.internal.auth.Guard;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.catalog.Catalog;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Bodies;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.http.Responses;
import io.trainyard.ingress.internal.maiascore.strapi.StrapiQuery;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * maiascore's {@code /trainings} and its token login {@code POST /auth/local}
 * ({@code {identifier, password}} -> {@code {jwt, user}}). maiascore is a Strapi service, and
 * seed 003 is the contract: a 200 is the bare document, a list a bare JSON array, a count a bare
 * number; only errors have a shape of their own ({@link MaiascoreDialect}).
 */
public final class MaiascoreService implements HttpService {
    static final Duration TOKEN_LIFETIME = Duration.ofHours(12);

    private final Trainings trainings;
    private final Authenticator authenticator;
    private final Guard guard;
    private final Bodies bodies;

    public MaiascoreService(TaskStore store, Catalog catalog, Submissions submissions, Authenticator authenticator,
                            Bodies bodies, InstantSource clock) {
        this.trainings = new Trainings(store, catalog, submissions, clock);
        this.authenticator = authenticator;
        this.guard = new Guard(authenticator::any);
        this.bodies = bodies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/trainings", guard.require(Role.ADMIN, this::create))
                .get("/trainings", guard.require(Role.READ, this::list))
                .get("/trainings/count", guard.require(Role.READ, this::count))
                .get("/trainings/{id}", guard.require(Role.READ, this::get))
                .post("/trainings/cancel/{id}", guard.require(Role.UPDATE, this::cancel))
                .post("/auth/local", this::login);
    }

    private void create(ServerRequest req, ServerResponse res, Principal principal) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null);
        Responses.ok(res, trainings.create(principal, TrainingBody.parse(bodies.bytes(req), type)));
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) {
        Responses.ok(res, query(req).apply(trainings.all(principal)));
    }

    private void count(ServerRequest req, ServerResponse res, Principal principal) {
        Responses.ok(res, query(req).count(trainings.all(principal)));
    }

    /** The query is read before any training is: a parameter it cannot apply is a 400 at once. */
    private static StrapiQuery query(ServerRequest req) {
        return StrapiQuery.parse(req.query().toMap(), TrainingView.FIELDS);
    }

    private void get(ServerRequest req, ServerResponse res, Principal principal) {
        String id = req.path().pathParameters().get("id");
        Responses.ok(res, trainings.find(principal, id).orElseThrow(() -> ApiException.notFound("Training " + id)));
    }

    private void cancel(ServerRequest req, ServerResponse res, Principal principal) {
        Responses.ok(res, trainings.cancel(principal, req.path().pathParameters().get("id")));
    }

    private void login(ServerRequest req, ServerResponse res) {
        if (!authenticator.tokens().canIssue()) {
            throw ApiException.notFound("Token login (no shared secret in the token keys)");
        }
        Map<String, String> fields = LoginBody.parse(bodies.bytes(req));
        Principal principal = authenticator.login(fields.get("identifier"), fields.get("password"))
                .orElseThrow(() -> ApiException.of(Problem.BAD_CREDENTIALS, "Not authorized!"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jwt", authenticator.tokens().issue(principal, TOKEN_LIFETIME));
        body.put("user", Map.of("username", principal.user(), "tenant", principal.tenant(),
                "roles", principal.roles().stream().map(Enum::name).sorted().toList()));
        Responses.ok(res, body);
    }
}
