package io.trainyard.ingress.internal.mlw;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.Ids;
import io.trainyard.common.job.JobType;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.resource.ResourceKind;
import io.trainyard.common.resource.ResourceRecords;
import io.trainyard.ingress.Submissions;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.catalog.ProjectStore;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Bodies;
import io.trainyard.ingress.internal.http.JsonFields;
import io.trainyard.ingress.internal.http.Multipart;
import io.trainyard.ingress.internal.http.Names;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.http.Responses;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /projects/{projectID}/resources...}: upload, list, read, download, save, delete, run. */
final class ResourceRoutes {
    private static final String ONE = "/projects/{projectID}/resources/{resourceID}";
    private static final String[] MODEL_FIELDS = {ResourceRecords.VERSION, ResourceRecords.WORKFLOW_ID,
        ResourceRecords.TASK_ID, ResourceRecords.RUN_ID};

    private final Mlw mlw;

    ResourceRoutes(Mlw mlw) {
        this.mlw = mlw;
    }

    void routing(HttpRules rules) {
        rules.post("/projects/{projectID}/resources", mlw.guard.require(Role.CREATE, this::upload))
                .get("/projects/{projectID}/resources", mlw.guard.require(Role.READ, this::list))
                .get(ONE, mlw.guard.require(Role.READ, this::get))
                .delete(ONE, mlw.guard.require(Role.UPDATE, this::delete))
                .get(ONE + "/download", mlw.guard.require(Role.READ, this::download))
                .put(ONE + "/save", mlw.guard.require(Role.UPDATE, this::save))
                .post(ONE + "/execute", mlw.guard.require(Role.ADMIN,
                        (req, res, p) -> submit(req, res, p, JobType.CODE, ResourceKind.CODE)))
                .post(ONE + "/workflow", mlw.guard.requireRefusingMissingAsNotAuthorized(Role.ADMIN,
                        (req, res, p) -> submit(req, res, p, JobType.WORKFLOW, ResourceKind.WORKFLOW)));
    }

    private Map<String, String> resource(ServerRequest req, Principal principal, Map<String, String> project) {
        String id = req.path().pathParameters().get("resourceID");
        return mlw.resources.get(principal.tenant(), project.get("id"), id)
                .orElseThrow(() -> ApiException.notFound("Resource " + id));
    }

    private void upload(ServerRequest req, ServerResponse res, Principal principal) {
        Map<String, String> project = ProjectRoutes.project(mlw, req, principal);
        var declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > mlw.maxUploadBytes) {
            throw ApiException.tooLarge(mlw.maxUploadBytes);
        }
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null);
        InputStream body = Bodies.limited(req.content().inputStream(), mlw.maxUploadBytes);
        String projectId = project.get("id");
        Map<String, String> stored = Multipart.file(body, contentType, "file", (fileName, partType, content) -> {
            String name = Names.check("file", baseName(fileName));
            ResourceKind kind = ResourceKind.ofFileName(name).orElseThrow(() -> ApiException.of(
                    Problem.UNSUPPORTED_TYPE, "Unsupported file type: " + name + " (supported: "
                            + ResourceKind.supported() + ")"));
            InputStream checked = kind == ResourceKind.WORKFLOW
                    ? new ByteArrayInputStream(checkedWorkflow(principal, projectId, content)) : content;
            return mlw.resources.create(principal.tenant(), projectId, Ids.next(), name, kind, partType, checked,
                    mlw.clock.millis(), Map.of()).orElseThrow(() -> ApiException.notFound("Project " + projectId));
        });
        Responses.ok(res, view(stored));
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) {
        Map<String, String> project = ProjectRoutes.project(mlw, req, principal);
        Map<String, List<Map<String, Object>>> grouped = new LinkedHashMap<>();
        for (ResourceKind kind : ResourceKind.values()) {
            grouped.put(kind.name(), new java.util.ArrayList<>());
        }
        for (Map<String, String> resource : mlw.resources.list(principal.tenant(), project.get("id"))) {
            grouped.computeIfAbsent(resource.get("kind"), k -> new java.util.ArrayList<>()).add(view(resource));
        }
        Responses.ok(res, grouped);
    }

    private void get(ServerRequest req, ServerResponse res, Principal principal) {
        Responses.ok(res, view(resource(req, principal, ProjectRoutes.project(mlw, req, principal))));
    }

    private void delete(ServerRequest req, ServerResponse res, Principal principal) {
        Map<String, String> project = ProjectRoutes.project(mlw, req, principal);
        Map<String, String> resource = resource(req, principal, project);
        mlw.resources.delete(principal.tenant(), project.get("id"), resource.get("id"));
        Responses.ok(res, view(resource));
    }

    private void download(ServerRequest req, ServerResponse res, Principal principal) throws IOException {
        Map<String, String> project = ProjectRoutes.project(mlw, req, principal);
        Map<String, String> resource = resource(req, principal, project);
        var path = mlw.resources.content(principal.tenant(), project.get("id"), resource.get("id"));
        if (!Files.exists(path)) {
            throw ApiException.notFound("Content of resource " + resource.get("id"));
        }
        res.header(HeaderNames.CONTENT_TYPE, resource.getOrDefault("contentType", "application/octet-stream"));
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\""
                + resource.get("name").replace("\"", "") + "\"");
        res.contentLength(Files.size(path));
        try (OutputStream out = res.outputStream()) {
            Files.copy(path, out);
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("Content of resource " + resource.get("id"));
        }
    }

    private void save(ServerRequest req, ServerResponse res, Principal principal) {
        Map<String, String> project = ProjectRoutes.project(mlw, req, principal);
        Map<String, String> resource = resource(req, principal, project);
        JsonNode body = Bodies.jsonObject(req, mlw.maxUploadBytes);
        String content = JsonFields.optionalString(body, "content").orElseThrow(() -> ApiException.missing("content"));
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (ResourceKind.WORKFLOW.name().equals(resource.get(ResourceRecords.KIND))) {
            mlw.workflows.check(principal.tenant(), project.get("id"), bytes);
        }
        long size = mlw.resources.save(principal.tenant(), project.get("id"), resource.get("id"),
                new ByteArrayInputStream(bytes), mlw.clock.millis());
        Map<String, String> saved = new LinkedHashMap<>(resource);
        saved.put("size", Long.toString(size));
        saved.put("updatedAt", Long.toString(mlw.clock.millis()));
        Responses.ok(res, view(saved));
    }

    private void submit(ServerRequest req, ServerResponse res, Principal principal, JobType type,
                        ResourceKind needed) {
        String projectId = req.path().pathParameters().get("projectID");
        String resourceId = req.path().pathParameters().get("resourceID");
        if (!ResourceFiles.isSafeId(projectId)) {
            throw ApiException.notFound("Project " + projectId);
        }
        // Project and resource in one round trip: a submit's Redis work is this read and the submit script.
        ProjectStore.WithResource found = mlw.projects.getWithResource(principal.tenant(), projectId, resourceId)
                .orElseThrow(() -> ApiException.notFound("Project " + projectId));
        Map<String, String> project = found.project();
        Map<String, String> resource = found.resource()
                .orElseThrow(() -> ApiException.notFound("Resource " + resourceId));
        JsonNode body = mlw.bodies.jsonObject(req);
        var request = SubmitBody.parse(body, principal, type, project, resource, mlw.clock.instant());
        if (!needed.name().equals(resource.get("kind"))) {
            throw ApiException.invalid("resourceID", "resource " + resource.get("id") + " is "
                    + resource.get("kind") + "; this endpoint runs " + needed + " resources");
        }
        if (type == JobType.WORKFLOW) {
            request = request.withProperties(mlw.workflows.initialProperties(principal.tenant(), resource));
        }
        Submissions.Submitted submitted = mlw.submissions.submit(request);
        List<Map<String, String>> runs = submitted.run() == null ? List.of() : List.of(submitted.run());
        Responses.ok(res, TaskView.task(submitted.task(), runs, 0));
    }

    /** A workflow document read whole (uploads are bounded) and checked before anything is stored. */
    private byte[] checkedWorkflow(Principal principal, String projectId, InputStream content) {
        byte[] bytes;
        try {
            bytes = content.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        mlw.workflows.check(principal.tenant(), projectId, bytes);
        return bytes;
    }

    private static String baseName(String fileName) {
        int cut = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        return fileName.substring(cut + 1);
    }

    static Map<String, Object> view(Map<String, String> resource) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", resource.get("id"));
        view.put("name", resource.get("name"));
        view.put("projectID", resource.get("projectID"));
        view.put("type", resource.get("kind"));
        view.put("contentType", resource.getOrDefault("contentType", ""));
        view.put("size", Long.parseLong(resource.getOrDefault("size", "0")));
        view.put("createdAt", MlwTime.format(resource.get("createdAt")));
        view.put("updatedAt", MlwTime.format(resource.get("updatedAt")));
        view.put("sortTime", Long.parseLong(resource.getOrDefault("sortTime", "0")));
        // A model a training saved: its version and what trained it.
        for (String field : MODEL_FIELDS) {
            if (resource.containsKey(field)) {
                view.put(field, resource.get(field));
            }
        }
        return view;
    }
}
