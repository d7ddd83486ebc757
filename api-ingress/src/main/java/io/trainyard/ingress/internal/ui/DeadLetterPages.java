package io.trainyard.ingress.internal.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.json.Json;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.deadletter.DeadLetter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Dead letters page (ADMIN, as the API): browse, redrive or discard the selected records. */
final class DeadLetterPages {
    /** A checkbox per record, named {@code id-<partition>-<offset>}. */
    private static final String SELECTED = "id-";

    private final ConsoleContext context;
    private Console console;

    DeadLetterPages(ConsoleContext context) {
        this.context = context;
    }

    void routing(HttpRules rules, Console console) {
        this.console = console;
        rules.get("/dead-letters", console.page(Role.ADMIN, this::list))
                .post("/dead-letters/redrive", console.form(Role.ADMIN, (req, res, p, form) -> act(req, res, form,
                        "redrive")))
                .post("/dead-letters/discard", console.form(Role.ADMIN, (req, res, p, form) -> act(req, res, form,
                        "discard")));
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) throws Exception {
        ApiCalls.Answer answer = context.api().json(TaskPages.cookie(req), "GET", "/service/mlw/dead-letters", null);
        if (!answer.ok()) {
            console.error(req, res, answer.status(), answer.message());
            return;
        }
        List<DeadLetter> letters = new ArrayList<>();
        for (JsonNode node : answer.body()) {
            letters.add(Json.MAPPER.treeToValue(node, DeadLetter.class));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chrome", console.chrome(req, principal, "dead-letters"));
        params.put("letters", letters);
        context.pages().send(res, 200, "dead_letters", params);
    }

    private void act(ServerRequest req, ServerResponse res, Map<String, String> form, String action) {
        List<String> ids = form.keySet().stream().filter(k -> k.startsWith(SELECTED))
                .map(k -> k.substring(SELECTED.length())).toList();
        if (ids.isEmpty()) {
            console.error(req, res, 400, "Select at least one dead letter.");
            return;
        }
        ApiCalls.Answer answer = context.api().json(TaskPages.cookie(req), "POST",
                "/service/mlw/dead-letters/" + action, Json.writeString(Map.of("ids", ids)));
        if (!answer.ok()) {
            console.error(req, res, answer.status(), answer.message());
            return;
        }
        Pages.redirect(res, Console.BASE + "/dead-letters", Console.isHtmx(req));
    }
}
