package io.trainyard.chaos;

import static io.trainyard.chaos.FuzzTargets.mlw;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A seeded generator of requests that must all be refused with a 4xx: unknown routes and
 * methods, hostile ids, broken or missing credentials, a READ-only user writing, malformed,
 * wrongly typed and hostile bodies for every endpoint that takes one ({@link FuzzBodies}), and
 * requests wrong at the HTTP level ({@link FuzzProtocol}). Each is wrong on purpose in at least
 * one way the service must reject, so a 2xx is a finding as much as a 5xx.
 */
final class FuzzRequests {
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    private static final String[] WEIRD_METHODS = {"PROPFIND", "FOO", "TRACE", "M-SEARCH", "BREW", "LOCK"};

    private final FuzzText text;
    private final FuzzTargets targets;
    private final FuzzBodies bodies;
    private final FuzzProtocol protocol;

    FuzzRequests(long seed, FuzzTargets targets, int maxBody, int maxUpload) {
        this.text = new FuzzText(seed);
        this.targets = targets;
        this.bodies = new FuzzBodies(text);
        this.protocol = new FuzzProtocol(text, targets, maxBody, maxUpload);
    }

    FuzzRequest next() {
        int roll = text.nextInt(100);
        if (roll < 10) {
            return unknownRoute();
        } else if (roll < 15) {
            return wrongMethod();
        } else if (roll < 25) {
            return hostileId();
        } else if (roll < 38) {
            return badCredentials();
        } else if (roll < 42) {
            return readerWrites();
        } else if (roll < 72) {
            return badBody();
        } else if (roll < 79) {
            return protocol.oversized();
        } else if (roll < 84) {
            return protocol.badQuery();
        }
        return protocol.raw();
    }

    private String fakeId() {
        return "01a2" + Long.toHexString(text.random.nextLong());
    }

    /** A route that exists, with the method it is served for, and real ids where it has any. */
    private String[] realRoute() {
        String fake = fakeId();
        String code = targets.codePath();
        return text.pick(
                new String[] {"POST", mlw("/projects")},
                new String[] {"GET", targets.projectPath()},
                new String[] {"PUT", targets.projectPath()},
                new String[] {"DELETE", mlw("/projects/" + fake)},
                new String[] {"POST", targets.projectPath() + "/resources"},
                new String[] {"GET", code},
                new String[] {"DELETE", targets.resourcePath(fake)},
                new String[] {"GET", code + "/download"},
                new String[] {"PUT", code + "/save"},
                new String[] {"POST", code + "/execute"},
                new String[] {"POST", code + "/workflow"},
                new String[] {"GET", mlw("/tasks/" + fake)},
                new String[] {"DELETE", mlw("/tasks/" + fake)},
                new String[] {"GET", mlw("/tasks/" + fake + "/task/" + fake)},
                new String[] {"DELETE", mlw("/tasks/" + fake + "/task/" + fake)},
                new String[] {"GET", "/api/workfiles/" + targets.codeResource()},
                new String[] {"POST", "/api/workfiles/" + targets.codeResource() + "/run"},
                new String[] {"POST", "/api/workfiles/" + fake + "/stop"},
                new String[] {"GET", "/api/sessions"},
                new String[] {"POST", "/trainings"},
                new String[] {"GET", "/trainings/" + fake},
                new String[] {"POST", "/trainings/cancel/" + fake});
    }

    private FuzzRequest unknownRoute() {
        StringBuilder path = new StringBuilder(text.pick(mlw(""), targets.projectPath(), "/api", "/api/workfiles",
                "/trainings/x", "", "/auth", "/metrics", "/health", "/openapi.json", "/service"));
        int segments = 1 + text.nextInt(3);
        for (int i = 0; i < segments; i++) {
            path.append('/').append(text.nextBoolean() ? "zz" + text.nextInt(1_000_000)
                    : FuzzText.encode(text.hostile()) + "zz");
        }
        String method = switch (text.nextInt(10)) {
            case 0 -> text.pick(WEIRD_METHODS);
            // A method nobody defined, different every time.
            case 1 -> "X" + Integer.toString(text.nextInt(Integer.MAX_VALUE), 36).toUpperCase(Locale.ROOT);
            default -> text.pick(METHODS);
        };
        return FuzzRequest.http("unknown-route", method, path.toString(), auth(targets.admin()), maybeJson(), false);
    }

    private FuzzRequest wrongMethod() {
        String[] route = realRoute();
        List<String> allowed = allowed(route[1]);
        String method;
        do {
            method = text.nextInt(4) == 0 ? text.pick(WEIRD_METHODS) : text.pick(METHODS);
        } while (allowed.contains(method));
        return FuzzRequest.http("wrong-method", method, route[1], auth(targets.admin()), maybeJson(), false);
    }

    /** Every method {@code path} is served for (a path may be served for several). */
    private List<String> allowed(String path) {
        if (path.equals(mlw("/projects")) || path.equals("/trainings") || path.endsWith("/resources")) {
            return List.of("GET", "POST");
        }
        if (path.equals("/api/sessions")) {
            return List.of("GET", "POST", "DELETE");
        }
        if (path.equals(targets.projectPath())) {
            return List.of("GET", "PUT", "DELETE");
        }
        if (path.startsWith(mlw("/"))) {
            return List.of("GET", "POST", "PUT", "DELETE");
        }
        return List.of("GET", "POST");
    }

    private FuzzRequest hostileId() {
        String bad = FuzzText.encode(text.hostile()) + (text.nextBoolean() ? "" : "%00");
        if (bad.isEmpty() || bad.equals(".") || bad.equals("..") || bad.equals("+")) {
            bad = bad + "nope";
        }
        String project = targets.projectPath();
        String[] route = text.pick(
                new String[] {"GET", mlw("/projects/" + bad)},
                new String[] {"PUT", mlw("/projects/" + bad)},
                new String[] {"DELETE", mlw("/projects/" + bad)},
                new String[] {"POST", mlw("/projects/" + bad + "/resources")},
                new String[] {"GET", mlw("/projects/" + bad + "/resources")},
                new String[] {"GET", project + "/resources/" + bad},
                new String[] {"DELETE", project + "/resources/" + bad},
                new String[] {"GET", project + "/resources/" + bad + "/download"},
                new String[] {"PUT", project + "/resources/" + bad + "/save"},
                new String[] {"POST", project + "/resources/" + bad + "/execute"},
                new String[] {"POST", mlw("/projects/" + bad + "/resources/" + targets.codeResource() + "/execute")},
                new String[] {"GET", mlw("/tasks/" + bad)},
                new String[] {"DELETE", mlw("/tasks/" + bad)},
                new String[] {"GET", mlw("/tasks/" + bad + "/task/" + bad)},
                new String[] {"DELETE", mlw("/tasks/x/task/" + bad)},
                new String[] {"GET", "/api/workfiles/" + bad},
                new String[] {"POST", "/api/workfiles/" + bad + "/run"},
                new String[] {"POST", "/api/workfiles/" + bad + "/stop"},
                new String[] {"GET", "/trainings/" + bad},
                new String[] {"POST", "/trainings/cancel/" + bad});
        return FuzzRequest.http("hostile-id", route[0], route[1], auth(targets.admin()), bodies.execute(), false);
    }

    private FuzzRequest badCredentials() {
        String[] route = realRoute();
        String tenant = targets.tenant();
        List<String[]> headers = new ArrayList<>();
        switch (text.nextInt(12)) {
            case 0 -> { } // none at all
            case 1 -> headers.add(h("Authorization", "Basic " + FuzzText.base64(text.hostile())));
            case 2 -> headers.add(h("Authorization", "Basic !!!not-base64!!!"));
            case 3 -> headers.add(h("Authorization", FuzzText.basic(tenant + "/admin:wrong-" + text.nextInt())));
            case 4 -> headers.add(h("Authorization", FuzzText.basic("no-colon-" + text.nextInt())));
            case 5 -> headers.add(h("Authorization", FuzzText.basic(tenant + ":no-user-part")));
            case 6 -> headers.add(h("Authorization", "Bearer " + hostileToken()));
            case 7 -> headers.add(h("Authorization", text.nextBoolean() ? "Digest username=\"x\"" : "Basic"));
            case 8 -> headers.add(h("Cookie", "_session_id=" + tenant + "." + Long.toHexString(text.random.nextLong())));
            case 9 -> headers.add(h("Cookie", "_session_id=" + FuzzText.printable(text.hostile()) + "." + text.nextInt()));
            case 10 -> headers.add(h("Cookie", "_session_id=" + "a".repeat(2_000 + text.nextInt(4_000))));
            default -> {
                // An unknown user costs a decoy bcrypt check (cost 10): rare, to keep the run short.
                headers.add(h("Authorization", text.nextInt(8) == 0 ? FuzzText.basic("nobody/ghost:pw")
                        : FuzzText.basic(tenant + "/ghost-" + text.nextInt(3) + ":pw")));
            }
        }
        return FuzzRequest.http("bad-credentials", route[0], route[1], headers, maybeJson(), false);
    }

    private String hostileToken() {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"" + (text.nextBoolean() ? "none" : "HS256") + "\",\"typ\":\"JWT\"}")
                        .getBytes(StandardCharsets.UTF_8));
        String claims = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"" + targets.tenant() + "/admin\",\"exp\":9999999999}").getBytes(StandardCharsets.UTF_8));
        return switch (text.nextInt(4)) {
            case 0 -> header + "." + claims + ".";
            case 1 -> header + "." + claims + "." + Long.toHexString(text.random.nextLong());
            case 2 -> "x".repeat(1 + text.nextInt(5_000));
            default -> FuzzText.printable(text.hostile()) + "." + FuzzText.printable(text.hostile());
        };
    }

    private FuzzRequest readerWrites() {
        String code = targets.codePath();
        String[] route = text.pick(
                new String[] {"POST", mlw("/projects")},
                new String[] {"PUT", targets.projectPath()},
                new String[] {"DELETE", targets.projectPath()},
                new String[] {"POST", targets.projectPath() + "/resources"},
                new String[] {"DELETE", code},
                new String[] {"PUT", code + "/save"},
                new String[] {"POST", code + "/execute"},
                new String[] {"DELETE", mlw("/tasks/" + fakeId())},
                new String[] {"POST", "/api/workfiles/" + targets.codeResource() + "/run"},
                new String[] {"POST", "/trainings"});
        return FuzzRequest.http("reader-writes", route[0], route[1], auth(targets.reader()), bodies.execute(), false);
    }

    private FuzzRequest badBody() {
        String code = targets.codePath();
        return switch (text.nextInt(10)) {
            case 0 -> body("POST", mlw("/projects"), null, bodies.project(false), true);
            case 1 -> body("PUT", targets.projectPath(), null, bodies.project(true), true);
            case 2, 3 -> body("POST", code + "/execute", null, bodies.execute(), true);
            case 4 -> body("POST", code + "/workflow", null, bodies.execute(), true);
            case 5 -> body("PUT", code + "/save", null, bodies.save(), true);
            case 6 -> body("POST", targets.projectPath() + "/resources", bodies.upload(), null, true);
            case 7 -> body("POST", "/trainings", bodies.training(), null, true);
            case 8 -> body("POST", "/api/sessions", bodies.login(targets.tenant()), null, false);
            default -> body("POST", text.nextBoolean() ? "/api/workfiles/" + targets.codeResource() + "/run"
                    : "/auth/local", null, bodies.execute(), true);
        };
    }

    /** A bad-body request: {@code typed} with its own content type, else {@code json} under a random one. */
    private FuzzRequest body(String method, String path, FuzzBodies.Body typed, byte[] json, boolean authenticated) {
        List<String[]> headers = authenticated ? auth(targets.admin()) : new ArrayList<>();
        headers.add(h("Content-Type", typed != null ? typed.contentType() : bodies.contentType()));
        return FuzzRequest.http("bad-body", method, path, headers, typed != null ? typed.bytes() : json,
                text.nextInt(6) == 0);
    }

    private byte[] maybeJson() {
        return text.nextInt(3) == 0 ? bodies.execute() : null;
    }

    private static List<String[]> auth(String header) {
        List<String[]> headers = new ArrayList<>();
        headers.add(h("Authorization", header));
        return headers;
    }

    private static String[] h(String name, String value) {
        return new String[] {name, value};
    }
}
