package io.trainyard.ingress.internal.rerun;

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
import io.trainyard.ingress.internal.submit.PublishFailedException;
import java.util.Map;

/** {@code POST /tasks/{taskID}/run} in the MLW API (ADMIN, as running code is): a new run of a one-time task. */
public final class RerunRoutes implements HttpService {
    private final Reruns reruns;
    private final Guard guard;

    public RerunRoutes(Reruns reruns, Guard guard) {
        this.reruns = reruns;
        this.guard = guard;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/tasks/{taskID}/run", guard.require(Role.ADMIN, this::rerun));
    }

    private void rerun(ServerRequest req, ServerResponse res, Principal principal) {
        String taskId = req.path().pathParameters().get("taskID");
        Reruns.Outcome outcome;
        try {
            outcome = reruns.rerun(principal.tenant(), taskId, principal.tenant() + "/" + principal.user());
        } catch (PublishFailedException e) {
            throw ApiException.unavailable("Kafka did not acknowledge the job, so no run was queued; try again "
                    + "shortly", 5, e);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("Task " + taskId); // not a valid id for a key
        }
        switch (outcome) {
            case Reruns.Outcome.Queued q -> Responses.json(res, 202, Map.of("id", taskId, "runId", q.runId()));
            case Reruns.Outcome.NoTask n -> throw ApiException.notFound("Task " + taskId);
            case Reruns.Outcome.Recurring r -> throw ApiException.of(Problem.CONFLICT,
                    "Task " + taskId + " is a recurring task; its schedule starts its runs");
            case Reruns.Outcome.Busy b -> throw ApiException.of(Problem.CONFLICT,
                    "Run " + b.activeRunId() + " of task " + taskId + " is still queued or running");
        }
    }
}
