package io.trainyard.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compares a response body with a seed's by shape: every field the seed shows is present, with
 * the same JSON type and nesting. A seed's {@code null} shows no type, so any value passes it.
 * Array lengths are per-run (a list holds what there is): elements are compared with the seed's
 * element of the same index, and those past the seed's last with its last one. Fields named in
 * {@code exact} must hold the seed's value (numbers compared as numbers), those in
 * {@code patterns} must match their expression; those in {@code nullable} may be null where the
 * seed shows a value (the original answers null when it has none). Fields Trainyard adds are allowed and returned
 * as {@link Result#extras()}, with array indexes written {@code []}.
 */
final class ShapeComparison {
    /** What differs (empty when the shapes match) and the fields Trainyard adds. */
    record Result(List<String> differences, Set<String> extras) {
        boolean matches() {
            return differences.isEmpty();
        }
    }

    private final Set<String> exact;
    private final Map<String, String> patterns;
    private final Set<String> nullable;
    private final List<String> differences = new ArrayList<>();
    private final Set<String> extras = new LinkedHashSet<>();

    private ShapeComparison(Set<String> exact, Map<String, String> patterns, Set<String> nullable) {
        this.exact = exact;
        this.patterns = patterns;
        this.nullable = nullable;
    }

    static Result compare(JsonNode seed, JsonNode actual, Set<String> exact, Map<String, String> patterns) {
        return compare(seed, actual, exact, patterns, Set.of());
    }

    static Result compare(JsonNode seed, JsonNode actual, Set<String> exact, Map<String, String> patterns,
                          Set<String> nullable) {
        ShapeComparison comparison = new ShapeComparison(exact, patterns, nullable);
        comparison.walk(seed, actual, "", "");
        return new Result(List.copyOf(comparison.differences), Set.copyOf(comparison.extras));
    }

    private void walk(JsonNode seed, JsonNode actual, String pointer, String shape) {
        String where = pointer.isEmpty() ? "(body)" : pointer;
        if (seed.isNull() || (actual.isNull() && nullable.contains(pointer))) {
            return;
        }
        if (!type(seed).equals(type(actual))) {
            differences.add(where + ": the seed has " + type(seed) + ", Trainyard " + type(actual)
                    + " (" + abbreviate(actual) + ")");
            return;
        }
        if (seed.isObject()) {
            for (Iterator<String> names = seed.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                String child = pointer + "/" + escape(name);
                if (!actual.has(name)) {
                    differences.add(child + ": missing");
                } else {
                    walk(seed.get(name), actual.get(name), child, shape + "/" + escape(name));
                }
            }
            for (Iterator<String> names = actual.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!seed.has(name)) {
                    extras.add(shape + "/" + escape(name));
                }
            }
        } else if (seed.isArray()) {
            for (int i = 0; i < actual.size() && !seed.isEmpty(); i++) {
                walk(seed.get(Math.min(i, seed.size() - 1)), actual.get(i), pointer + "/" + i, shape + "/[]");
            }
        }
        if (exact.contains(pointer) && !sameValue(seed, actual)) {
            differences.add(where + ": the seed's value is " + seed + ", Trainyard's " + abbreviate(actual));
        }
        String pattern = patterns.get(pointer);
        if (pattern != null && !Pattern.compile(pattern).matcher(actual.asText()).matches()) {
            differences.add(where + ": " + abbreviate(actual) + " does not match " + pattern);
        }
    }

    private static boolean sameValue(JsonNode seed, JsonNode actual) {
        if (seed.isNumber() && actual.isNumber()) {
            return seed.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return seed.equals(actual);
    }

    static String type(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
