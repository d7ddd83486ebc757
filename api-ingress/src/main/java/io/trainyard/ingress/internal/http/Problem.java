package io.trainyard.ingress.internal.http;

/**
 * What went wrong with a request, independent of how a dialect words it. Each kind has the HTTP
 * status it answers with and the short label MLW puts in its {@code exception} field.
 */
public enum Problem {
    MISSING_PARAMETER(400, "Missing parameters"),
    INVALID_PARAMETER(400, "Invalid parameters"),
    MALFORMED_BODY(400, "Malformed body"),
    REFUSED(400, "Bad request"),
    NO_CREDENTIALS(401, "Unauthorized"),
    BAD_CREDENTIALS(401, "Unauthorized"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    DUPLICATE_NAME(409, "Duplicate name"),
    CONFLICT(409, "Conflict"),
    UNSUPPORTED_TYPE(409, "Unsupported type"),
    TOO_LARGE(413, "Payload too large"),
    URI_TOO_LONG(414, "URI too long"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    UNPROCESSABLE(422, "Unprocessable"),
    UNAVAILABLE(503, "Service unavailable"),
    INTERNAL(500, "Server error");

    private final int status;
    private final String label;

    Problem(int status, String label) {
        this.status = status;
        this.label = label;
    }

    public int status() {
        return status;
    }

    public String label() {
        return label;
    }
}
