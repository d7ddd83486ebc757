package io.trainyard.ingress.internal.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.json.Json;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Bodies;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Projects and their resources: list, create, upload (through the API, with its checks), view a script. */
final class ProjectPages {
    /** A script longer than this is shown cut, with a download link for the rest. */
    private static final int SHOWN_BYTES = 256 * 1024;

    private final ConsoleContext context;
    private final long maxUploadBytes;
    private Console console;

    ProjectPages(ConsoleContext context, long maxUploadBytes) {
        this.context = context;
        this.maxUploadBytes = maxUploadBytes;
    }

    void routing(HttpRules rules, Console console) {
        this.console = console;
        rules.get("/projects", console.page(Role.READ, this::list))
                .post("/projects", console.form(Role.READ, this::create))
                .get("/projects/{projectID}", console.page(Role.READ, this::project))
                .post("/projects/{projectID}/upload", console.form(Role.READ, this::upload))
                .get("/projects/{projectID}/resources/{resourceID}", console.page(Role.READ, this::resource));
    }

    private static String base(String projectId) {
        return "/service/mlw/projects/" + ApiCalls.segment(projectId);
    }

    private JsonNode read(ServerRequest req, String path) {
        ApiCalls.Answer answer = context.api().json(TaskPages.cookie(req), "GET", path, null);
        if (!answer.ok()) {
            throw ApiException.notFound(answer.message());
        }
        return answer.body();
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chrome", console.chrome(req, principal, "projects"));
        List<Choice> projects = new ArrayList<>();
        read(req, "/service/mlw/projects").forEach(p -> projects.add(new Choice(p.path("id").asText(),
                p.path("name").asText())));
        params.put("projects", projects);
        context.pages().send(res, 200, "projects", params);
    }

    private void create(ServerRequest req, ServerResponse res, Principal principal, Map<String, String> form) {
        ApiCalls.Answer answer = context.api().json(TaskPages.cookie(req), "POST", "/service/mlw/projects",
                Json.writeString(Map.of("name", form.getOrDefault("name", ""))));
        if (!answer.ok()) {
            console.error(req, res, answer.status(), answer.message());
            return;
        }
        Pages.redirect(res, Console.BASE + "/projects/" + ApiCalls.segment(answer.id()), Console.isHtmx(req));
    }

    private void project(ServerRequest req, ServerResponse res, Principal principal) {
        String projectId = req.path().pathParameters().get("projectID");
        JsonNode project = read(req, base(projectId));
        JsonNode grouped = read(req, base(projectId) + "/resources");
        List<ResourceLine> lines = new ArrayList<>();
        grouped.fields().forEachRemaining(kind -> kind.getValue().forEach(r -> lines.add(new ResourceLine(
                r.path("id").asText(), r.path("name").asText(), kind.getKey(), r.path("size").asLong(),
                r.path("createdAt").asText(), !"MODEL".equals(kind.getKey()), r.path("version").asText("")))));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chrome", console.chrome(req, principal, "projects"));
        params.put("project", new Choice(projectId, project.path("name").asText()));
        params.put("resources", lines);
        context.pages().send(res, 200, "project", params);
    }

    /** The browser's multipart body, passed to the API's upload as it came. */
    private void upload(ServerRequest req, ServerResponse res, Principal principal, Map<String, String> form) {
        String projectId = req.path().pathParameters().get("projectID");
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        byte[] body = Bodies.bytes(req, maxUploadBytes + 64 * 1024);
        ApiCalls.Answer answer = context.api().send(TaskPages.cookie(req), "POST", base(projectId) + "/resources",
                contentType, body);
        if (!answer.ok()) {
            console.error(req, res, answer.status(), answer.message());
            return;
        }
        Pages.redirect(res, Console.BASE + "/projects/" + ApiCalls.segment(projectId), Console.isHtmx(req));
    }

    private void resource(ServerRequest req, ServerResponse res, Principal principal) {
        String projectId = req.path().pathParameters().get("projectID");
        String resourceId = req.path().pathParameters().get("resourceID");
        String path = base(projectId) + "/resources/" + ApiCalls.segment(resourceId);
        JsonNode resource = read(req, path);
        byte[] content = context.api().raw(TaskPages.cookie(req), path + "/download", SHOWN_BYTES);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chrome", console.chrome(req, principal, "projects"));
        params.put("project", new Choice(projectId, ""));
        params.put("resource", new ResourceLine(resourceId, resource.path("name").asText(),
                resource.path("type").asText(), resource.path("size").asLong(), resource.path("createdAt").asText(),
                true, resource.path("version").asText("")));
        params.put("content", new String(content, StandardCharsets.UTF_8));
        params.put("cut", resource.path("size").asLong() > SHOWN_BYTES);
        params.put("download", path + "/download");
        context.pages().send(res, 200, "resource", params);
    }
}
