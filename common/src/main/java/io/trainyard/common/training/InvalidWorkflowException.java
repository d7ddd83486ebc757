package io.trainyard.common.training;

import io.trainyard.common.TrainyardException;

/**
 * A workflow resource that cannot be trained as written; {@link #field()} names the culprit, so
 * the ingress can answer 400 with it and the worker can fail the run with it.
 */
public final class InvalidWorkflowException extends TrainyardException {
    private final String field;

    public InvalidWorkflowException(String field, String message) {
        super(Kind.PERMANENT, field + ": " + message, null);
        this.field = field;
    }

    /** The workflow field at fault, e.g. {@code testSize}; {@code workflow} for the document itself. */
    public String field() {
        return field;
    }
}
