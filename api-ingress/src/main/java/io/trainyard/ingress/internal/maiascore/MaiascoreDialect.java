package io.trainyard.ingress.internal.maiascore;

import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Dialect;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * maiascore's error shape, {@code {code, message}} with its fixed wording ("Error - Forbidden",
 * "Error - Not found", ...); the detail, when there is one, goes in {@code data}. Missing or
 * wrong credentials are a 403, as maiascore documents.
 */
public final class MaiascoreDialect implements Dialect {
    @Override
    public boolean serves(String path) {
        return path.equals("/trainings") || path.startsWith("/trainings/") || path.equals("/auth/local");
    }

    @Override
    public int status(ApiException error) {
        return switch (error.problem()) {
            case NO_CREDENTIALS, BAD_CREDENTIALS -> 403;
            default -> error.status();
        };
    }

    @Override
    public Object errorBody(ApiException error) {
        int status = status(error);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", status);
        body.put("message", switch (status) {
            case 400 -> "Error - Bad request";
            case 403 -> "Error - Forbidden";
            case 404 -> "Error - Not found";
            case 409 -> "Error - Conflict";
            case 413 -> "Error - Payload too large";
            case 503 -> "Error - Service unavailable";
            default -> status >= 500 ? "Error - Server Error" : "Error - " + error.problem().label();
        });
        if (status != 403 && status < 500 || status == 503) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("detail", error.getMessage());
            if (error.field() != null) {
                data.put("field", error.field());
            }
            body.put("data", data);
        }
        return body;
    }
}
