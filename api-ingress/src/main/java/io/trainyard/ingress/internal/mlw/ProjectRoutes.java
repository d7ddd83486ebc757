package io.trainyard.ingress.internal.mlw;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.JsonFields;
import io.trainyard.ingress.internal.http.Names;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.http.Responses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /projects}: list, create, read, rename, delete. Project names are unique per tenant. */
final class ProjectRoutes {
    static final int MAX_DESCRIPTION = 4096;

    private final Mlw mlw;

    ProjectRoutes(Mlw mlw) {
        this.mlw = mlw;
    }

    void routing(HttpRules rules) {
        rules.get("/projects", mlw.guard.require(Role.READ, this::list))
                .post("/projects", mlw.guard.require(Role.CREATE, this::create))
                .get("/projects/{projectID}", mlw.guard.require(Role.READ, this::get))
                .put("/projects/{projectID}", mlw.guard.require(Role.UPDATE, this::update))
                .delete("/projects/{projectID}", mlw.guard.require(Role.UPDATE, this::delete));
    }

    /** The project named in the path, or 404 (also for another tenant's project). */
    static Map<String, String> project(Mlw mlw, ServerRequest req, Principal principal) {
        String id = req.path().pathParameters().get("projectID");
        if (!ResourceFiles.isSafeId(id)) {
            throw ApiException.notFound("Project " + id);
        }
        return mlw.projects.get(principal.tenant(), id).orElseThrow(() -> ApiException.notFound("Project " + id));
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) {
        List<Map<String, Object>> views = mlw.projects.list(principal.tenant()).stream().map(ProjectRoutes::view).toList();
        Responses.ok(res, views);
    }

    private void create(ServerRequest req, ServerResponse res, Principal principal) {
        JsonNode body = mlw.bodies.jsonObject(req);
        String name = Names.check("name", JsonFields.requiredString(body, "name"));
        String description = description(body);
        Map<String, String> project = mlw.projects.create(principal.tenant(), name,
                        description == null ? "" : description, principal.user(), mlw.clock.millis())
                .orElseThrow(() -> ApiException.of(Problem.DUPLICATE_NAME,
                        "Project name already exists. Please provide another name"));
        Responses.ok(res, view(project));
    }

    private void get(ServerRequest req, ServerResponse res, Principal principal) {
        Responses.ok(res, view(project(mlw, req, principal)));
    }

    private void update(ServerRequest req, ServerResponse res, Principal principal) {
        Map<String, String> project = project(mlw, req, principal);
        JsonNode body = mlw.bodies.jsonObject(req);
        String name = JsonFields.optionalString(body, "name").map(n -> Names.check("name", n)).orElse(null);
        String description = description(body);
        switch (mlw.projects.update(principal.tenant(), project.get("id"), name, description)) {
            case NAME_TAKEN -> throw ApiException.of(Problem.DUPLICATE_NAME,
                    "Project name already exists. Please provide another name");
            case NOT_FOUND -> throw ApiException.notFound("Project " + project.get("id"));
            case UPDATED -> Responses.ok(res, view(project(mlw, req, principal)));
        }
    }

    private void delete(ServerRequest req, ServerResponse res, Principal principal) {
        Map<String, String> project = project(mlw, req, principal);
        String id = project.get("id");
        if (mlw.tasks.projectBusy(principal.tenant(), id)) {
            throw ApiException.of(Problem.REFUSED,
                    "Project " + id + " has running tasks; stop them before deleting the project");
        }
        mlw.projects.delete(principal.tenant(), id)
                .orElseThrow(() -> ApiException.notFound("Project " + id));
        mlw.resources.deleteProjectFiles(principal.tenant(), id);
        Responses.ok(res, view(project));
    }

    private static String description(JsonNode body) {
        String description = JsonFields.optionalString(body, "description").orElse(null);
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ApiException.invalid("description", "longer than " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }

    static Map<String, Object> view(Map<String, String> project) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", project.get("id"));
        view.put("name", project.get("name"));
        view.put("description", project.getOrDefault("description", ""));
        view.put("createdAt", MlwTime.format(project.get("createdAt")));
        view.put("sortTime", Long.parseLong(project.getOrDefault("sortTime", "0")));
        return view;
    }
}
