package io.trainyard.ingress.internal.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.ingress.internal.auth.Sessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The console's writes go through the ingress's own MLW API, on the loopback, with the signed-in
 * session: the same roles, tenant, validation and error messages as a curl user gets, by
 * construction rather than by a second copy of the rules.
 */
final class ApiCalls {
    /** An answer of the API: its status and JSON body (null when the body was not JSON). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** The API's own words for a refusal. */
        String message() {
            if (body == null) {
                return "The API answered " + status;
            }
            for (String field : new String[] {"message", "error_description", "error"}) {
                if (body.hasNonNull(field) && body.get(field).isTextual()) {
                    return body.get(field).asText();
                }
            }
            return body.toString();
        }

        String id() {
            return body == null ? "" : body.path("id").asText("");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final IntSupplier port;

    ApiCalls(IntSupplier port) {
        this.port = port;
    }

    Answer json(String sessionCookie, String method, String path, String json) {
        return send(sessionCookie, method, path, "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    Answer send(String sessionCookie, String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt()
                        + path))
                .timeout(Duration.ofSeconds(60))
                .header("Cookie", Sessions.COOKIE + "=" + sessionCookie)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode tree;
            try {
                tree = response.body().length == 0 ? null : Json.MAPPER.readTree(response.body());
            } catch (IOException notJson) {
                tree = null;
            }
            return new Answer(response.statusCode(), tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the API", e);
        }
    }

    /** The first {@code limit} bytes of a download (empty when the API refused). */
    byte[] raw(String sessionCookie, String path, int limit) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
                .timeout(Duration.ofSeconds(60)).header("Cookie", Sessions.COOKIE + "=" + sessionCookie).GET().build();
        try {
            HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = response.body()) {
                return response.statusCode() == 200 ? in.readNBytes(limit) : new byte[0];
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the API", e);
        }
    }

    static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
