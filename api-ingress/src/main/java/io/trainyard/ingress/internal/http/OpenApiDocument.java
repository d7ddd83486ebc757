package io.trainyard.ingress.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The OpenAPI 3.1 document kept in the repository ({@code trainyard/openapi.json}). */
final class OpenApiDocument {
    public static final String RESOURCE = "/trainyard/openapi.json";
    private static volatile byte[] bytes;

    private OpenApiDocument() {}

    public static byte[] bytes() {
        byte[] known = bytes;
        if (known == null) {
            try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing " + RESOURCE);
                }
                known = in.readAllBytes();
                bytes = known;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return known;
    }
}
