package io.trainyard.ingress.internal.http;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The one exception a handler throws to answer a client with an error. It carries the
 * {@link Problem}, a message fit for the client, and (for validation) the field at fault; each
 * dialect renders it in its own documented shape.
 */
public final class ApiException extends RuntimeException {
    private final Problem problem;
    private final String field;
    private final long retryAfterSeconds;
    private final Set<String> allow;

    private ApiException(Problem problem, String message, String field, long retryAfterSeconds, Throwable cause) {
        this(problem, message, field, retryAfterSeconds, cause, Set.of());
    }

    private ApiException(Problem problem, String message, String field, long retryAfterSeconds, Throwable cause,
                         Set<String> allow) {
        super(message, cause, false, false);
        this.problem = problem;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
        this.allow = allow;
    }

    public static ApiException of(Problem problem, String message) {
        return new ApiException(problem, message, null, 0, null);
    }

    public static ApiException missing(String field) {
        return new ApiException(Problem.MISSING_PARAMETER, "Missing parameter " + field, field, 0, null);
    }

    /** A missing field with the reason it is needed, e.g. only in some combinations. */
    public static ApiException missing(String field, String why) {
        return new ApiException(Problem.MISSING_PARAMETER, "Missing parameter " + field + ": " + why, field, 0, null);
    }

    public static ApiException invalid(String field, String why) {
        return new ApiException(Problem.INVALID_PARAMETER, "Invalid parameter " + field + ": " + why, field, 0, null);
    }

    public static ApiException malformed(String why) {
        return new ApiException(Problem.MALFORMED_BODY, "Malformed request body: " + why, null, 0, null);
    }

    public static ApiException notFound(String what) {
        return new ApiException(Problem.NOT_FOUND, what + " not found", null, 0, null);
    }

    public static ApiException tooLarge(long limitBytes) {
        return new ApiException(Problem.TOO_LARGE,
                "Request body exceeds the limit of " + limitBytes + " bytes", null, 0, null);
    }

    /** A 405: {@code method} is not served at {@code path}; {@code allowed} go in the Allow header. */
    public static ApiException methodNotAllowed(String method, String path, SortedSet<String> allowed) {
        return new ApiException(Problem.METHOD_NOT_ALLOWED, "Method " + method + " is not allowed on " + path
                + " (allowed: " + String.join(", ", allowed) + ")", null, 0, null, Collections.unmodifiableSortedSet(
                new TreeSet<>(allowed)));
    }

    public static ApiException uriTooLong() {
        return new ApiException(Problem.URI_TOO_LONG, "Request URI too long", null, 0, null);
    }

    public static ApiException unavailable(String message, long retryAfterSeconds, Throwable cause) {
        return new ApiException(Problem.UNAVAILABLE, message, null, retryAfterSeconds, cause);
    }

    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    /** The methods for an Allow header (a 405); empty for none. */
    public Set<String> allow() {
        return allow;
    }

    /** Seconds for a Retry-After header; 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
