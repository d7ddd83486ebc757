package io.trainyard.ingress.internal.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.json.Json;

/** Writes JSON answers. */
public final class Responses {
    public static final String JSON = "application/json";

    private Responses() {}

    public static void json(ServerResponse res, int status, Object body) {
        json(res, status, JSON, body);
    }

    /** As {@link #json(ServerResponse, int, Object)}, with a dialect's own spelling of the JSON type. */
    public static void json(ServerResponse res, int status, String contentType, Object body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.send(Json.write(body));
    }

    public static void ok(ServerResponse res, Object body) {
        json(res, 200, body);
    }
}
