package io.trainyard.ingress.internal.maiascore.strapi;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A parsed filter over a document (a JSON-like map), from plain parameters, {@code _where} or {@code _q}. */
sealed interface Condition {
    boolean test(Map<String, Object> document);

    /** Every condition holds (a list of clauses, a {@code _where} object or array). */
    record AllOf(List<Condition> conditions) implements Condition {
        @Override
        public boolean test(Map<String, Object> document) {
            return conditions.stream().allMatch(c -> c.test(document));
        }
    }

    /** One of the conditions holds ({@code _where[_or][i]...}). */
    record AnyOf(List<Condition> conditions) implements Condition {
        @Override
        public boolean test(Map<String, Object> document) {
            return conditions.stream().anyMatch(c -> c.test(document));
        }
    }

    /**
     * {@code field op values}. {@code values} are already read as the field's kind (text for the
     * contains operators, a Boolean for {@code _null}). A document without a value for the
     * field (null, or empty text) matches only {@code _null=true} and the negative text
     * operators never match it: SQL's comparison with NULL, as Strapi's database answers.
     */
    record Clause(String field, FieldKind kind, Operator op, List<Object> values) implements Condition {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public boolean test(Map<String, Object> document) {
            Object raw = document.get(field);
            Comparable actual = kind.of(raw);
            if (op == Operator.NULL) {
                return (actual == null) == (Boolean) values.get(0);
            }
            if (actual == null) {
                return false;
            }
            if (op.onText()) {
                String text = raw instanceof Number n ? plain(n) : raw.toString();
                String wanted = (String) values.get(0);
                boolean contains = op == Operator.CONTAINSS || op == Operator.NCONTAINSS
                        ? text.contains(wanted)
                        : text.toLowerCase(Locale.ROOT).contains(wanted.toLowerCase(Locale.ROOT));
                return op == Operator.CONTAINS || op == Operator.CONTAINSS ? contains : !contains;
            }
            return switch (op) {
                case EQ, IN -> values.stream().anyMatch(v -> actual.compareTo(v) == 0);
                case NE, NIN -> values.stream().noneMatch(v -> actual.compareTo(v) == 0);
                case LT -> actual.compareTo(values.get(0)) < 0;
                case LTE -> actual.compareTo(values.get(0)) <= 0;
                case GT -> actual.compareTo(values.get(0)) > 0;
                case GTE -> actual.compareTo(values.get(0)) >= 0;
                default -> throw new IllegalStateException("unhandled operator " + op);
            };
        }

        private static String plain(Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }

    /** {@code _q}: the text appears (any case) in one of the document's text fields. */
    record FullText(String text, List<String> fields) implements Condition {
        @Override
        public boolean test(Map<String, Object> document) {
            String wanted = text.toLowerCase(Locale.ROOT);
            return fields.stream().map(document::get)
                    .anyMatch(v -> v != null && v.toString().toLowerCase(Locale.ROOT).contains(wanted));
        }
    }
}
