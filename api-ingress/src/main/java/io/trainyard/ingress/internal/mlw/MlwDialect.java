package io.trainyard.ingress.internal.mlw;

import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Dialect;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MLW's error shapes: the platform's {@code {error, message, info}} for 401/403 (as the
 * Cumulocity platform in front of MLW answers), and MLW's own {@code {message, errorCode,
 * exception}} for everything else.
 */
public final class MlwDialect implements Dialect {
    public static final String BASE = "/service/mlw";
    static final String INFO = "https://cumulocity.com/guides/reference/rest-implementation/#error_reporting";
    static final String INFO_NOT_AUTHORIZED = "https://www.cumulocity.com/reference-guide/#error_reporting";

    @Override
    public boolean serves(String path) {
        return path.equals(BASE) || path.startsWith(BASE + "/");
    }

    @Override
    public Object errorBody(ApiException error) {
        Map<String, Object> body = new LinkedHashMap<>();
        switch (error.problem()) {
            case NO_CREDENTIALS -> platform(body, "general/internalError", error.getMessage(), INFO);
            case BAD_CREDENTIALS -> platform(body, "general/internalError", error.getMessage(), INFO_NOT_AUTHORIZED);
            case FORBIDDEN -> platform(body, "security/Forbidden", error.getMessage(), INFO);
            default -> {
                body.put("message", error.getMessage());
                body.put("errorCode", error.status());
                body.put("exception", error.problem().label());
            }
        }
        return body;
    }

    private static void platform(Map<String, Object> body, String error, String message, String info) {
        body.put("error", error);
        body.put("message", message);
        body.put("info", info);
    }
}
