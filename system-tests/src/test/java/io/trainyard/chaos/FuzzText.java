package io.trainyard.chaos;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/** The seeded randomness every fuzz generator draws from, and the strings attackers and broken clients send. */
final class FuzzText {
    /** For names, ids, fields and headers. */
    static final String[] HOSTILE = {
        "../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2f", "\u0000", "a\u0000b", "<script>alert(1)</script>",
        "' OR '1'='1' --", "${jndi:ldap://127.0.0.1/x}", "{{7*7}}", "%s%s%s%n", "\u202ename\u202c", "\uD83D\uDE00",
        "\uFEFF", "ty:{t}:names", "*", "\r\nX-Injected: 1", "\ud800", "null", "[]", "{}", "-1", "1e309", "NaN",
        "\t", " ", "", "\u0007bell", "/", "\\", "..", ".", "x".repeat(300), "é".repeat(200), "{", "}", "\"", "'",
    };

    final Random random;

    FuzzText(long seed) {
        this.random = new Random(seed);
    }

    String hostile() {
        return HOSTILE[random.nextInt(HOSTILE.length)];
    }

    @SafeVarargs
    final <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    int nextInt() {
        return random.nextInt();
    }

    boolean nextBoolean() {
        return random.nextBoolean();
    }

    /** Bytes that never start a JSON value. */
    byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        bytes[0] = (byte) ('!' + random.nextInt(5));
        return bytes;
    }

    static String basic(String credentials) {
        return "Basic " + base64(credentials);
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Header values must be visible ASCII for the JDK's client. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c >= 0x21 && c < 0x7f && c != ';' && c != ',' ? c : 'q');
        }
        return out.isEmpty() ? "q" : out.toString();
    }

    /** A JSON string literal of {@code text}, escaping what JSON needs (lone surrogates included). */
    static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
