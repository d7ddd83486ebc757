package io.trainyard.ingress.internal.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.json.Json;
import io.trainyard.common.schedule.ScheduleRuleException;
import io.trainyard.common.schedule.ScheduleTiming;
import io.trainyard.ingress.ScheduleRequest;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.http.ApiException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Tasks page (filter, keyset pages, submit once or on a cron) and each task's page. */
final class TaskPages {
    static final List<String> STATUSES = List.of("QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED",
            "SCHEDULED", "NO RUNS");
    private static final DateTimeFormatter FIRE = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm z");

    private final ConsoleContext context;
    private Console console;

    TaskPages(ConsoleContext context) {
        this.context = context;
    }

    void routing(HttpRules rules, Console console) {
        this.console = console;
        rules.get("/tasks", console.page(Role.READ, this::list))
                .post("/tasks", console.form(Role.READ, this::submit))
                .post("/schedule-preview", console.form(Role.READ, this::preview))
                .get("/tasks/{taskID}", console.page(Role.READ, this::detail))
                .post("/tasks/{taskID}/runs/{runID}/cancel", console.form(Role.UPDATE, this::cancel))
                .post("/tasks/{taskID}/delete", console.form(Role.READ, this::delete))
                .post("/tasks/{taskID}/rerun", console.form(Role.READ, this::rerun));
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) {
        long started = System.nanoTime();
        var query = req.query();
        var filter = new TaskFilter(query.first("status").orElse(""), query.first("type").orElse(""),
                query.first("project").orElse(""), query.first("name").orElse(""));
        TaskPage page;
        try {
            page = context.index().page(principal.tenant(), filter, query.first("after").orElse(null));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("after", e.getMessage());
        }
        long queryMillis = (System.nanoTime() - started) / 1_000_000;
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chrome", console.chrome(req, principal, "tasks"));
        params.put("filter", filter);
        params.put("page", page);
        params.put("statuses", STATUSES);
        params.put("nextQuery", page.next() == null ? null : nextQuery(filter, page.next()));
        params.put("resources", principal.has(Role.ADMIN) ? runnable(req) : List.<Choice>of());
        params.put("queryMillis", queryMillis);
        context.pages().send(res, 200, "tasks", params);
    }

    private static String nextQuery(TaskFilter filter, String cursor) {
        return "status=" + ApiCalls.segment(filter.status()) + "&type=" + ApiCalls.segment(filter.type())
                + "&project=" + ApiCalls.segment(filter.project()) + "&name=" + ApiCalls.segment(filter.name())
                + "&after=" + ApiCalls.segment(cursor);
    }

    /** Scripts and workflow documents of every project, as "project:resource:KIND" choices. */
    private List<Choice> runnable(ServerRequest req) {
        String cookie = cookie(req);
        List<Choice> choices = new ArrayList<>();
        ApiCalls.Answer projects = context.api().json(cookie, "GET", "/service/mlw/projects", null);
        if (!projects.ok() || projects.body() == null) {
            return choices;
        }
        for (JsonNode project : projects.body()) {
            String projectId = project.path("id").asText();
            ApiCalls.Answer resources = context.api().json(cookie, "GET",
                    "/service/mlw/projects/" + ApiCalls.segment(projectId) + "/resources", null);
            if (!resources.ok() || resources.body() == null) {
                continue;
            }
            for (String kind : List.of("CODE", "WORKFLOW")) {
                for (JsonNode resource : resources.body().path(kind)) {
                    choices.add(new Choice(projectId + ":" + resource.path("id").asText() + ":" + kind,
                            project.path("name").asText() + " / " + resource.path("name").asText()));
                }
            }
        }
        return choices;
    }

    static String cookie(ServerRequest req) {
        return req.headers().cookies().first(io.trainyard.ingress.internal.auth.Sessions.COOKIE).orElse("");
    }

    private void submit(ServerRequest req, ServerResponse res, Principal principal, Map<String, String> form) {
        String[] target = form.getOrDefault("resource", "").split(":");
        if (target.length != 3) {
            console.error(req, res, 400, "Choose a script or workflow to run.");
            return;
        }
        String path = "/service/mlw/projects/" + ApiCalls.segment(target[0]) + "/resources/"
                + ApiCalls.segment(target[1]) + ("WORKFLOW".equals(target[2]) ? "/workflow" : "/execute");
        Map<String, String> body = new LinkedHashMap<>();
        body.put("taskName", form.getOrDefault("taskName", ""));
        body.put("recurrence", form.getOrDefault("recurrence", "ONE_TIME"));
        body.put("cronExpression", "REPEAT".equals(body.get("recurrence")) ? form.getOrDefault("cron", "") : "");
        body.put("timeZone", form.getOrDefault("zone", ""));
        ApiCalls.Answer answer = context.api().json(cookie(req), "POST", path, Json.writeString(body));
        if (!answer.ok()) {
            console.error(req, res, answer.status(), answer.message());
            return;
        }
        Pages.redirect(res, Console.BASE + "/tasks/" + ApiCalls.segment(answer.id()), Console.isHtmx(req));
    }

    /** The next five fire times of a cron rule in its zone, before the task is saved. */
    private void preview(ServerRequest req, ServerResponse res, Principal principal, Map<String, String> form) {
        List<String> fires = new ArrayList<>();
        String problem = "";
        String cron = form.getOrDefault("cron", "").strip();
        if (!cron.isEmpty()) {
            try {
                Instant now = context.clock().instant();
                ScheduleTiming timing = ScheduleRequest.recurrence("REPEAT", cron, form.getOrDefault("zone", ""), "",
                        "", now).orElseThrow();
                Instant at = now;
                for (int i = 0; i < 5; i++) {
                    var next = timing.nextFireAfter(at);
                    if (next.isEmpty()) {
                        break;
                    }
                    at = next.get();
                    fires.add(FIRE.format(ZonedDateTime.ofInstant(at, timing.zone())));
                }
            } catch (ScheduleRuleException e) {
                problem = e.getMessage();
            }
        }
        context.pages().send(res, 200, "schedule_preview", Map.of("fires", fires, "problem", problem));
    }

    private void detail(ServerRequest req, ServerResponse res, Principal principal) {
        String taskId = req.path().pathParameters().get("taskID");
        TaskDetail detail = TaskDetail.load(context.store(), principal.tenant(), taskId)
                .orElseThrow(() -> ApiException.notFound("Task " + taskId));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chrome", console.chrome(req, principal, "tasks"));
        params.put("detail", detail);
        context.pages().send(res, 200, "task", params);
    }

    private void cancel(ServerRequest req, ServerResponse res, Principal principal, Map<String, String> form) {
        String taskId = req.path().pathParameters().get("taskID");
        String runId = req.path().pathParameters().get("runID");
        TaskDetail detail = TaskDetail.load(context.store(), principal.tenant(), taskId)
                .orElseThrow(() -> ApiException.notFound("Task " + taskId));
        if (detail.runs().stream().noneMatch(r -> r.id().equals(runId))) {
            throw ApiException.notFound("Run " + runId);
        }
        context.store().cancelRun(principal.tenant(), runId, context.clock().millis());
        Pages.redirect(res, Console.BASE + "/tasks/" + ApiCalls.segment(taskId), Console.isHtmx(req));
    }

    private void delete(ServerRequest req, ServerResponse res, Principal principal, Map<String, String> form) {
        String taskId = req.path().pathParameters().get("taskID");
        ApiCalls.Answer answer = context.api().json(cookie(req), "DELETE",
                "/service/mlw/tasks/" + ApiCalls.segment(taskId), null);
        if (!answer.ok()) {
            console.error(req, res, answer.status(), answer.message());
            return;
        }
        Pages.redirect(res, Console.BASE + "/tasks", Console.isHtmx(req));
    }

    /** A new run of the same task, through the API; the page then follows it. */
    private void rerun(ServerRequest req, ServerResponse res, Principal principal, Map<String, String> form) {
        String taskId = req.path().pathParameters().get("taskID");
        ApiCalls.Answer answer = context.api().json(cookie(req), "POST", "/service/mlw/tasks/"
                + ApiCalls.segment(taskId) + "/run", null);
        if (!answer.ok()) {
            console.error(req, res, answer.status(), answer.message());
            return;
        }
        Pages.redirect(res, Console.BASE + "/tasks/" + ApiCalls.segment(taskId), Console.isHtmx(req));
    }
}
