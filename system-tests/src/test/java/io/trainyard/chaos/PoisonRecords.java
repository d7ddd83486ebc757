package io.trainyard.chaos;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Malformed job records, each of a kind the job schema ({@code job-message.schema.json}) rules
 * out: not JSON, not an object, a wrong type, a missing or unsafe id, an unknown schema version
 * or job type, a job with nothing to run, bytes that are not UTF-8, nesting past the parser's
 * limit, an empty value and a tombstone.
 */
final class PoisonRecords {
    /** A malformed record value (null for a tombstone) and what is wrong with it. */
    record Poison(String kind, byte[] value) {}

    private static final String[] KINDS = {
        "binary", "truncated-json", "empty", "tombstone", "json-array", "json-number", "json-string", "json-null",
        "missing-fields", "schema-version-9", "schema-version-text", "unsafe-run-id", "unsafe-tenant",
        "unknown-type", "negative-timeout", "code-without-script", "workflow-without-resource", "bad-utf8",
        "deep-nesting", "timeout-as-text",
    };

    private PoisonRecords() {}

    static Poison make(int i, String tenant, Random random) {
        String kind = KINDS[i % KINDS.length];
        String id = "p" + i;
        String valid = "\"schemaVersion\":1,\"runId\":\"" + id + "\",\"taskId\":\"t" + i + "\",\"tenant\":\"" + tenant + "\"";
        return new Poison(kind, switch (kind) {
            case "binary" -> {
                byte[] bytes = new byte[1 + random.nextInt(512)];
                random.nextBytes(bytes);
                bytes[0] = (byte) 0xFF; // never a JSON start
                yield bytes;
            }
            case "truncated-json" -> utf8("{" + valid + ",\"type\":\"CODE\",\"script\":\"print(1)");
            case "empty" -> new byte[0];
            case "tombstone" -> null;
            case "json-array" -> utf8("[{" + valid + ",\"type\":\"NOOP\"}]");
            case "json-number" -> utf8(Integer.toString(random.nextInt()));
            case "json-string" -> utf8("\"print('hello')\"");
            case "json-null" -> utf8("null");
            case "missing-fields" -> utf8("{\"schemaVersion\":1,\"type\":\"NOOP\"}");
            case "schema-version-9" -> utf8("{" + valid.replace("\"schemaVersion\":1", "\"schemaVersion\":9")
                    + ",\"type\":\"NOOP\"}");
            case "schema-version-text" -> utf8("{" + valid.replace("\"schemaVersion\":1", "\"schemaVersion\":\"one\"")
                    + ",\"type\":\"NOOP\"}");
            case "unsafe-run-id" -> utf8("{" + valid.replace("\"runId\":\"" + id + "\"", "\"runId\":\"../../etc/" + i + "\"")
                    + ",\"type\":\"NOOP\"}");
            case "unsafe-tenant" -> utf8("{" + valid.replace("\"tenant\":\"" + tenant + "\"", "\"tenant\":\"{x}" + i + "\"")
                    + ",\"type\":\"NOOP\"}");
            case "unknown-type" -> utf8("{" + valid + ",\"type\":\"SHELL\",\"script\":\"rm -rf /\"}");
            case "negative-timeout" -> utf8("{" + valid + ",\"type\":\"CODE\",\"script\":\"print(1)\",\"timeoutSeconds\":-5}");
            case "code-without-script" -> utf8("{" + valid + ",\"type\":\"CODE\"}");
            case "workflow-without-resource" -> utf8("{" + valid + ",\"type\":\"WORKFLOW\"}");
            case "bad-utf8" -> {
                byte[] head = utf8("{" + valid + ",\"type\":\"CODE\",\"script\":\"print('");
                byte[] tail = utf8("')\"}");
                byte[] bytes = new byte[head.length + 2 + tail.length];
                System.arraycopy(head, 0, bytes, 0, head.length);
                bytes[head.length] = (byte) 0xC3; // a lead byte followed by another lead byte
                bytes[head.length + 1] = (byte) 0xC3;
                System.arraycopy(tail, 0, bytes, head.length + 2, tail.length);
                yield bytes;
            }
            case "deep-nesting" -> utf8("{" + valid + ",\"type\":\"NOOP\",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}");
            case "timeout-as-text" -> utf8("{" + valid + ",\"type\":\"CODE\",\"script\":\"print(1)\",\"timeoutSeconds\":\"soon\"}");
            default -> throw new IllegalStateException(kind);
        });
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
