package io.trainyard.ingress.internal.schedule;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.ingress.internal.auth.Guard;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.http.Responses;
import java.util.Map;

/**
 * {@code /schedules} in the MLW API: the tenant's recurring tasks as schedules (READ), and
 * {@code /tasks/{taskID}/pause} and {@code /resume} (UPDATE). The console's Schedules page calls these.
 */
public final class ScheduleRoutes implements HttpService {
    private final Schedules schedules;
    private final Guard guard;

    public ScheduleRoutes(Schedules schedules, Guard guard) {
        this.schedules = schedules;
        this.guard = guard;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/schedules", guard.require(Role.READ, (req, res, p) -> Responses.ok(res,
                        schedules.list(p.tenant()))))
                .post("/tasks/{taskID}/pause", guard.require(Role.UPDATE, (req, res, p) -> change(req, res, p, true)))
                .post("/tasks/{taskID}/resume", guard.require(Role.UPDATE, (req, res, p) -> change(req, res, p, false)));
    }

    private void change(ServerRequest req, ServerResponse res, Principal principal, boolean pause) {
        String taskId = req.path().pathParameters().get("taskID");
        String by = principal.tenant() + "/" + principal.user();
        Schedules.Change change = pause ? schedules.pause(principal.tenant(), taskId, by)
                : schedules.resume(principal.tenant(), taskId, by);
        switch (change) {
            case NO_TASK -> throw ApiException.notFound("Task " + taskId);
            case NOT_RECURRING -> throw ApiException.of(Problem.CONFLICT, "Task " + taskId
                    + " is not a recurring task; only a schedule can be paused or resumed");
            default -> Responses.ok(res, Map.of("id", taskId, "paused", pause,
                    "changed", change == Schedules.Change.CHANGED));
        }
    }
}
