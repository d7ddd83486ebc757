package io.trainyard.ingress.internal.ui;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.Ids;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Bodies;
import io.trainyard.ingress.internal.http.FlatBody;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The web console at {@code /ui}: sign-in, then pages that only read what the signed-in tenant
 * may read, and forms whose writes go through the API (see {@link ApiCalls}). Every page needs a
 * session and the READ role; every post needs the session's CSRF token.
 */
public final class Console implements HttpService {
    public static final String BASE = "/ui";
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    private static final int MAX_FORM_BYTES = 64 * 1024;

    /** A page handler told who is signed in. */
    @FunctionalInterface
    interface PageHandler {
        void handle(ServerRequest req, ServerResponse res, Principal principal) throws Exception;
    }

    /** A form handler, given the posted fields once the CSRF token was checked. */
    @FunctionalInterface
    interface FormHandler {
        void handle(ServerRequest req, ServerResponse res, Principal principal, Map<String, String> form)
                throws Exception;
    }

    private final ConsoleSession session;
    private final Pages pages;
    private final TaskPages tasks;
    private final ProjectPages projects;
    private final LivePages live;
    private final DeadLetterPages deadLetters;
    private final UserPages users;
    private final SchedulePages schedules;

    /** {@code maxUploadBytes}: the API's upload limit, which the console's upload form passes on. */
    public Console(ConsoleContext context, long maxUploadBytes) {
        this.session = context.session();
        this.pages = context.pages();
        this.tasks = new TaskPages(context);
        this.projects = new ProjectPages(context, maxUploadBytes);
        this.live = new LivePages(context);
        this.deadLetters = new DeadLetterPages(context);
        this.users = new UserPages(context);
        this.schedules = new SchedulePages(context);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> Pages.redirect(res, BASE + "/overview", false))
                .get("/assets/{name}", Assets::serve)
                .get("/login", this::loginForm)
                .post("/login", this::login)
                .post("/logout", form(Role.READ, (req, res, p, f) -> {
                    session.close(req, res);
                    Pages.redirect(res, BASE + "/login", isHtmx(req));
                }))
                .get("/overview", page(Role.READ, live::overview))
                .get("/overview/events", page(Role.READ, live::overviewEvents));
        tasks.routing(rules, this);
        live.routing(rules, this);
        deadLetters.routing(rules, this);
        users.routing(rules, this);
        schedules.routing(rules, this);
        projects.routing(rules, this);
    }

    Chrome chrome(ServerRequest req, Principal principal, String page) {
        return Chrome.of(principal, session.csrfToken(req), page);
    }

    Handler page(Role role, PageHandler handler) {
        return (req, res) -> {
            var principal = session.principal(req);
            if (principal.isEmpty()) {
                Pages.redirect(res, BASE + "/login", isHtmx(req));
                return;
            }
            guarded(req, res, principal.get(), role, handler);
        };
    }

    Handler form(Role role, FormHandler handler) {
        return page(role, (req, res, principal) -> {
            boolean multipart = req.headers().contentType().map(t -> t.mediaType().subtype().equals("form-data"))
                    .orElse(false);
            Map<String, String> form = multipart ? Map.of()
                    : FlatBody.form(new String(Bodies.bytes(req, MAX_FORM_BYTES), StandardCharsets.UTF_8));
            if (!session.csrfValid(req, form.get(ConsoleSession.CSRF_FIELD))) {
                error(req, res, 403, "This form has expired or did not come from the console; reload the page "
                        + "and try again.");
                return;
            }
            handler.handle(req, res, principal, form);
        });
    }

    private void guarded(ServerRequest req, ServerResponse res, Principal principal, Role role, PageHandler handler)
            throws Exception {
        if (!principal.has(role)) {
            error(req, res, 403, "Access is denied: the " + role + " role is required");
            return;
        }
        try {
            handler.handle(req, res, principal);
        } catch (ApiException e) {
            error(req, res, e.status(), e.getMessage());
        } catch (JedisException e) {
            LOG.warn("task store unavailable: {}", e.toString());
            error(req, res, 503, "The task store is unavailable; try again shortly");
        } catch (RuntimeException e) {
            String incident = Ids.next();
            LOG.error("console failure, incident {}", incident, e);
            error(req, res, 500, "Unexpected server error (incident " + incident + ")");
        }
    }

    /**
     * A refusal: for an htmx request, a message in the page's alert area (status 200, so htmx
     * shows it); otherwise an error page.
     */
    void error(ServerRequest req, ServerResponse res, int status, String message) {
        if (res.isSent()) {
            return;
        }
        if (isHtmx(req)) {
            res.header("HX-Retarget", "#flash");
            res.header("HX-Reswap", "innerHTML");
            pages.send(res, 200, "flash", Map.of("message", message, "error", true));
            return;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("status", status);
        params.put("message", message);
        params.put("chrome", session.principal(req).map(p -> chrome(req, p, "")).orElse(null));
        pages.send(res, status, "error", params);
    }

    static boolean isHtmx(ServerRequest req) {
        return req.headers().contains(io.helidon.http.HeaderNames.create("HX-Request"));
    }

    private void loginForm(ServerRequest req, ServerResponse res) {
        if (session.principal(req).isPresent()) {
            Pages.redirect(res, BASE + "/overview", false);
            return;
        }
        showLogin(req, res, 200, "", "");
    }

    private void showLogin(ServerRequest req, ServerResponse res, int status, String login, String message) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("token", session.issueLoginToken(req, res));
        params.put("login", login);
        params.put("message", message);
        pages.send(res, status, "login", params);
    }

    private void login(ServerRequest req, ServerResponse res) {
        Map<String, String> form = FlatBody.form(new String(Bodies.bytes(req, MAX_FORM_BYTES), StandardCharsets.UTF_8));
        String login = form.getOrDefault("login", "").strip();
        if (!session.loginTokenValid(req, form.get(ConsoleSession.CSRF_FIELD))) {
            showLogin(req, res, 403, login, "The sign-in form expired; please try again.");
            return;
        }
        var principal = session.login(login, form.getOrDefault("password", ""));
        if (principal.isEmpty()) {
            showLogin(req, res, 401, login, "Wrong tenant/user or password.");
            return;
        }
        session.open(req, res, principal.get());
        Pages.redirect(res, BASE + "/overview", false);
    }
}
