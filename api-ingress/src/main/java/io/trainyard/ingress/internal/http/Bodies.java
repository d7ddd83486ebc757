package io.trainyard.ingress.internal.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.helidon.webserver.http.ServerRequest;
import io.trainyard.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads request bodies under a size limit. A declared Content-Length over the limit is refused
 * before a byte is read; a chunked body is cut off as soon as it passes the limit.
 */
public final class Bodies {
    /** The shared codec, refusing anything after the JSON value: {@code {"a":1}{"b":2}} is not one object. */
    static final ObjectReader STRICT = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final long maxBytes;

    public Bodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public byte[] bytes(ServerRequest req) {
        return bytes(req, maxBytes);
    }

    public static byte[] bytes(ServerRequest req, long limit) {
        var declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) {
            throw ApiException.tooLarge(limit);
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = limited(req.content().inputStream(), limit)) {
            // With a declared length, one array of that size; readAllBytes would grow buffers of 16 KiB.
            return declared.isPresent() ? in.readNBytes((int) declared.getAsLong()) : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body as a stream that fails with 413 once it passes {@code limit} bytes. */
    public static InputStream limited(InputStream in, long limit) {
        return new LimitedInputStream(in, limit);
    }

    /** The body as a JSON object; anything else is a 400 naming the problem. */
    public JsonNode jsonObject(ServerRequest req) {
        return jsonObject(req, maxBytes);
    }

    /** As {@link #jsonObject(ServerRequest)}, with a limit of its own (e.g. a script's content). */
    public static JsonNode jsonObject(ServerRequest req, long limit) {
        byte[] body = bytes(req, limit);
        if (body.length == 0) {
            throw ApiException.malformed("a JSON object is required");
        }
        JsonNode node;
        try {
            node = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.malformed("not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.malformed("a JSON object is required");
        }
        return node;
    }
}
