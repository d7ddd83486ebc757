package io.trainyard.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One example of a seed page, request and response, kept as a file under
 * {@code conformance/<seed>/} in the test resources. The response body is the seed's, word for
 * word; {@code exact} names the fields (JSON pointers) whose seed value is the contract,
 * {@code patterns} the per-run ones (ids, dates) and the regular expression each must match,
 * {@code nullable} the ones the original itself answers null when it has no value (each with its
 * reason among the choices),
 * {@code capture} values later examples of the same seed use as {@code {{name}}}, and
 * {@code choices} where two seeds (or a seed and its own headings) disagree, the choice made and why.
 */
record Golden(String id, String seed, String example, Request request, Response response, List<String> exact,
              Map<String, String> patterns, List<String> nullable, Map<String, String> capture,
              List<String> choices) {

    record Request(String method, String path, Map<String, String> headers, String body) {}

    record Response(int status, String contentType, Map<String, String> headers, JsonNode body) {}

    /** Every golden file, by seed directory then file name: the order the examples replay in. */
    static Map<String, List<Golden>> all() {
        Path root;
        try {
            root = Path.of(Golden.class.getResource("/conformance").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Map<String, List<Golden>> bySeed = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String seedDir = file.getParent().getFileName().toString();
                bySeed.computeIfAbsent(seedDir, s -> new ArrayList<>()).add(read(seedDir, file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bySeed;
    }

    private static Golden read(String seedDir, Path file) throws IOException {
        JsonNode node = Json.MAPPER.readTree(file.toFile());
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        JsonNode req = node.get("request");
        JsonNode res = node.get("response");
        Golden golden = new Golden(seedDir + "/" + name, node.get("seed").asText(), node.get("example").asText(),
                new Request(req.get("method").asText(), req.get("path").asText(), strings(req.path("headers")),
                        req.hasNonNull("body") ? req.get("body").asText() : null),
                new Response(res.get("status").asInt(), res.get("contentType").asText(), strings(res.path("headers")),
                        res.get("body")),
                list(node.path("exact")), strings(node.path("patterns")), list(node.path("nullable")),
                strings(node.path("capture")),
                list(node.path("choices")));
        for (String pointer : golden.exact()) {
            requireInSeed(golden, pointer);
        }
        golden.patterns().keySet().forEach(pointer -> requireInSeed(golden, pointer));
        golden.nullable().forEach(pointer -> requireInSeed(golden, pointer));
        return golden;
    }

    /** A pointer that is not in the seed's body is a mistake in the golden file, not a finding. */
    private static void requireInSeed(Golden golden, String pointer) {
        if (golden.response().body().at(pointer).isMissingNode()) {
            throw new IllegalStateException(golden.id() + ": " + pointer + " is not in the seed's response body");
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static List<String> list(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(e -> list.add(e.asText()));
        return list;
    }
}
