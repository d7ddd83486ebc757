package io.trainyard.ingress.maiascore;

import io.trainyard.ingress.http.ApiException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * maiascore's list parameters: {@code _limit} (default 100, -1 for all), {@code _start},
 * {@code _sort=field:ASC|DESC}, and per field {@code field=value}, {@code field_ne},
 * {@code field_lt}, {@code field_lte}, {@code field_gt}, {@code field_gte},
 * {@code field_contains}, {@code field_in} (repeated or comma-separated), {@code field_nin}.
 * Numbers compare as numbers, everything else as text.
 */
final class TrainingQuery {
    static final int DEFAULT_LIMIT = 100;
    private static final List<String> OPERATORS = List.of("_ne", "_lte", "_lt", "_gte", "_gt", "_contains", "_nin", "_in");

    private final List<Predicate<Map<String, Object>>> filters = new ArrayList<>();
    private Comparator<Map<String, Object>> order = null;
    private int limit = DEFAULT_LIMIT;
    private int start = 0;

    static TrainingQuery parse(Map<String, List<String>> params) {
        TrainingQuery query = new TrainingQuery();
        for (var entry : params.entrySet()) {
            String name = entry.getKey();
            List<String> values = entry.getValue();
            String first = values.isEmpty() ? "" : values.get(0);
            switch (name) {
                case "_limit" -> query.limit = integer(name, first, -1);
                case "_start" -> query.start = integer(name, first, 0);
                case "_sort" -> query.order = sort(first);
                default -> query.filters.add(filter(name, values));
            }
        }
        return query;
    }

    List<Map<String, Object>> apply(List<Map<String, Object>> trainings) {
        var stream = trainings.stream().filter(t -> filters.stream().allMatch(f -> f.test(t)));
        if (order != null) {
            stream = stream.sorted(order);
        }
        stream = stream.skip(start);
        return (limit < 0 ? stream : stream.limit(limit)).toList();
    }

    long count(List<Map<String, Object>> trainings) {
        return trainings.stream().filter(t -> filters.stream().allMatch(f -> f.test(t))).count();
    }

    private static Predicate<Map<String, Object>> filter(String name, List<String> values) {
        for (String op : OPERATORS) {
            if (name.endsWith(op) && name.length() > op.length()) {
                String field = name.substring(0, name.length() - op.length());
                return compare(field, op, values);
            }
        }
        return compare(name, "_eq", values);
    }

    private static Predicate<Map<String, Object>> compare(String field, String op, List<String> raw) {
        List<String> values = raw.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::strip).toList();
        String value = values.isEmpty() ? "" : values.get(0);
        return t -> {
            Object actual = t.get(field);
            if (actual == null) {
                return false;
            }
            int cmp = compareValues(actual, value);
            return switch (op) {
                case "_eq" -> cmp == 0;
                case "_ne" -> cmp != 0;
                case "_lt" -> cmp < 0;
                case "_lte" -> cmp <= 0;
                case "_gt" -> cmp > 0;
                case "_gte" -> cmp >= 0;
                case "_contains" -> actual.toString().toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT));
                case "_in" -> values.stream().anyMatch(v -> compareValues(actual, v) == 0);
                case "_nin" -> values.stream().noneMatch(v -> compareValues(actual, v) == 0);
                default -> false;
            };
        };
    }

    private static int compareValues(Object actual, String wanted) {
        if (actual instanceof Number number) {
            try {
                return Double.compare(number.doubleValue(), Double.parseDouble(wanted));
            } catch (NumberFormatException e) {
                return actual.toString().compareTo(wanted);
            }
        }
        return actual.toString().compareTo(wanted);
    }

    private static Comparator<Map<String, Object>> sort(String spec) {
        // The limit keeps empty parts: ":" is two of them (no field), not none.
        String[] parts = spec.split(":", -1);
        String field = parts[0].strip();
        if (field.isEmpty()) {
            throw ApiException.invalid("_sort", "use field:ASC or field:DESC");
        }
        boolean descending = parts.length > 1 && parts[1].strip().equalsIgnoreCase("DESC");
        Comparator<Map<String, Object>> comparator = (a, b) -> {
            Object x = a.get(field);
            Object y = b.get(field);
            if (x == null || y == null) {
                return x == null ? (y == null ? 0 : -1) : 1;
            }
            return compareValues(x, y.toString());
        };
        return descending ? comparator.reversed() : comparator;
    }

    private static int integer(String name, String value, int min) {
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed < min) {
                throw ApiException.invalid(name, "must be at least " + min);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "must be a whole number");
        }
    }
}
