package io.trainyard.ingress.internal.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.ingress.internal.auth.Guard;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Bodies;
import io.trainyard.ingress.internal.http.Responses;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /dead-letters} in the MLW API (ADMIN): list the tenant's dead letters, redrive or
 * discard some by id ({@code {"ids": ["0-12", ...]}}). The console's Dead letters page calls these.
 */
public final class DeadLetterRoutes implements HttpService {
    private final DeadLetterQueue queue;
    private final Guard guard;
    private final Bodies bodies;

    public DeadLetterRoutes(DeadLetterQueue queue, Guard guard, Bodies bodies) {
        this.queue = queue;
        this.guard = guard;
        this.bodies = bodies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/dead-letters", guard.require(Role.ADMIN, this::list))
                .post("/dead-letters/redrive", guard.require(Role.ADMIN, this::redrive))
                .post("/dead-letters/discard", guard.require(Role.ADMIN, this::discard));
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) {
        Responses.ok(res, queue.list(principal.tenant()));
    }

    private void redrive(ServerRequest req, ServerResponse res, Principal principal) {
        List<String> done = queue.redrive(principal.tenant(), ids(req), principal.user());
        Responses.ok(res, Map.of("redriven", done));
    }

    private void discard(ServerRequest req, ServerResponse res, Principal principal) {
        List<String> done = queue.discard(principal.tenant(), ids(req), principal.user());
        Responses.ok(res, Map.of("discarded", done));
    }

    private Set<String> ids(ServerRequest req) {
        JsonNode ids = bodies.jsonObject(req).get("ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw ApiException.missing("ids", "a non-empty list of dead-letter ids (partition-offset)");
        }
        Set<String> result = new LinkedHashSet<>();
        for (JsonNode id : ids) {
            if (!id.isTextual() || !id.asText().matches("\\d{1,6}-\\d{1,19}")) {
                throw ApiException.invalid("ids", "each id is partition-offset, like 0-42");
            }
            result.add(id.asText());
        }
        return result;
    }
}
