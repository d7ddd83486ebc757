package io.trainyard.common;

/**
 * The root of Trainyard's own exceptions. Each says whether trying the same thing again may
 * succeed ({@link Kind#RETRYABLE}: a broker or store that did not answer in time) or cannot
 * ({@link Kind#PERMANENT}: bad input, a refused configuration). The ingress's HTTP layer maps
 * the kind to a status (503 with Retry-After, or the dialect's 4xx); the worker maps it to a
 * retry or a failed run.
 */
public abstract class TrainyardException extends RuntimeException {
    public enum Kind { RETRYABLE, PERMANENT }

    private final Kind kind;

    protected TrainyardException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public final Kind kind() {
        return kind;
    }

    public final boolean retryable() {
        return kind == Kind.RETRYABLE;
    }
}
