package io.trainyard.ingress.internal.http;

/**
 * One product's way of wording errors. The catch-all error handler picks the dialect by the
 * request path, so an error always comes back in the shape the client's product documents.
 */
public interface Dialect {
    /** True when this dialect serves {@code path}. */
    boolean serves(String path);

    /** The JSON body for an error. */
    Object errorBody(ApiException error);

    /** The status to answer with; a dialect may word a status differently (Chorus uses 422). */
    default int status(ApiException error) {
        return error.status();
    }

    /** The content type of its JSON answers; Chorus names the charset. */
    default String contentType() {
        return Responses.JSON;
    }
}
