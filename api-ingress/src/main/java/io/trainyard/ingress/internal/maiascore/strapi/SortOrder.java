package io.trainyard.ingress.internal.maiascore.strapi;

import io.trainyard.ingress.internal.http.ApiException;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * {@code _sort=field:ASC,other:DESC}: fields compared by their kind (numbers as numbers, dates as
 * instants), the direction ASC by default; a document without a value sorts first when ascending.
 */
final class SortOrder {
    private SortOrder() {}

    static Comparator<Map<String, Object>> parse(String spec, Map<String, FieldKind> fields) {
        Comparator<Map<String, Object>> order = null;
        for (String part : spec.split(",", -1)) {
            // The limit keeps empty parts: ":" is two of them (no field), not none.
            String[] pieces = part.split(":", -1);
            String field = pieces[0].strip();
            if (field.isEmpty() || pieces.length > 2) {
                throw ApiException.invalid("_sort", "use field:ASC or field:DESC, comma-separated ('" + part + "')");
            }
            FieldKind kind = fields.get(field);
            if (kind == null) {
                throw ApiException.invalid("_sort", "no field '" + field + "' to sort on");
            }
            String direction = pieces.length > 1 ? pieces[1].strip().toUpperCase(Locale.ROOT) : "ASC";
            if (!direction.equals("ASC") && !direction.equals("DESC")) {
                throw ApiException.invalid("_sort", "direction '" + pieces[1] + "' is neither ASC nor DESC");
            }
            Comparator<Map<String, Object>> one = (a, b) -> nullsFirst(kind.of(a.get(field)), kind.of(b.get(field)));
            one = direction.equals("DESC") ? one.reversed() : one;
            order = order == null ? one : order.thenComparing(one);
        }
        return order;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int nullsFirst(Comparable x, Comparable y) {
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        return x.compareTo(y);
    }
}
