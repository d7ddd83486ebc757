package io.trainyard.chaos;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One generated hostile request: either a well-formed HTTP request with bad content ({@code raw}
 * null), sent with the JDK's client, or raw bytes written to a socket as they are.
 *
 * @param category what kind of wrong it is, for the figures
 * @param target the path and query as sent (already percent-encoded where the generator meant to)
 * @param headers name/value pairs
 * @param chunked send the body without a Content-Length
 */
record FuzzRequest(String category, String method, String target, List<String[]> headers, byte[] body,
                   boolean chunked, byte[] raw) {

    static FuzzRequest http(String category, String method, String target, List<String[]> headers, byte[] body,
                            boolean chunked) {
        return new FuzzRequest(category, method, target, headers, body, chunked, null);
    }

    static FuzzRequest raw(String category, String target, byte[] raw) {
        return new FuzzRequest(category, null, target, List.of(), null, false, raw);
    }

    static FuzzRequest raw(String category, String target, String raw) {
        return raw(category, target, raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    boolean isRaw() {
        return raw != null;
    }

    /** A short description for a failure message. */
    String describe() {
        if (isRaw()) {
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            return category + " raw: " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
        String target = this.target.length() > 300 ? this.target.substring(0, 300) + "..." : this.target;
        String body = this.body == null ? "" : new String(this.body, StandardCharsets.UTF_8);
        return category + " " + method + " " + target + (chunked ? " (chunked)" : "") + " body=" + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }
}
