package io.trainyard.ingress.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.json.Json;

/** Writes JSON answers. */
public final class Responses {
    public static final String JSON = "application/json";

    private Responses() {}

    public static void json(ServerResponse res, int status, Object body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(Json.write(body));
    }

    public static void ok(ServerResponse res, Object body) {
        json(res, 200, body);
    }
}
