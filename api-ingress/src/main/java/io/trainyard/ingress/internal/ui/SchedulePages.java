package io.trainyard.ingress.internal.ui;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Schedules page: every recurring task with its rule, zone, overlap policy, last and next fires; pause and resume (UPDATE, through the API). */
final class SchedulePages {
    private final ConsoleContext context;
    private Console console;

    SchedulePages(ConsoleContext context) {
        this.context = context;
    }

    void routing(HttpRules rules, Console console) {
        this.console = console;
        rules.get("/schedules", console.page(Role.READ, this::list))
                .post("/schedules/pause", console.form(Role.UPDATE, (req, res, p, form) -> act(req, res, form, "pause")))
                .post("/schedules/resume", console.form(Role.UPDATE, (req, res, p, form) -> act(req, res, form, "resume")));
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chrome", console.chrome(req, principal, "schedules"));
        params.put("schedules", context.schedules().list(principal.tenant()));
        context.pages().send(res, 200, "schedules", params);
    }

    private void act(ServerRequest req, ServerResponse res, Map<String, String> form, String action) {
        ApiCalls.Answer answer = context.api().json(TaskPages.cookie(req), "POST", "/service/mlw/tasks/"
                + ApiCalls.segment(form.getOrDefault("task", "")) + "/" + action, null);
        if (!answer.ok()) {
            console.error(req, res, answer.status(), answer.message());
            return;
        }
        Pages.redirect(res, Console.BASE + "/schedules", Console.isHtmx(req));
    }
}
