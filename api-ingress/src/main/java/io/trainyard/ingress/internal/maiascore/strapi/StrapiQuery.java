package io.trainyard.ingress.internal.maiascore.strapi;

import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.maiascore.strapi.ParamTree.Branch;
import io.trainyard.ingress.internal.maiascore.strapi.ParamTree.Node;
import io.trainyard.ingress.internal.maiascore.strapi.ParamTree.Values;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Strapi v3 list query over documents of known fields: {@code _limit} (-1 for all),
 * {@code _start}, {@code _sort=a:DESC,b:ASC}, {@code _q} (full text), {@code _where} (object,
 * array and {@code _or} forms), {@code _publicationState}, and per field {@code field},
 * {@code _eq _ne _lt _lte _gt _gte _in _nin _contains _ncontains _containss _ncontainss _null}.
 * Whatever cannot be applied (an unknown field or operator, a value of the wrong type, a
 * malformed sort) is a 400 naming the parameter: never an empty result that only looks like an
 * answer.
 */
public final class StrapiQuery {
    public static final int DEFAULT_LIMIT = 100;

    private final Map<String, FieldKind> fields;
    private final List<Condition> conditions = new ArrayList<>();
    private Comparator<Map<String, Object>> order;
    private int limit = DEFAULT_LIMIT;
    private int start;

    private StrapiQuery(Map<String, FieldKind> fields) {
        this.fields = fields;
    }

    /** Reads {@code params} (decoded names and values) for documents with {@code fields}. */
    public static StrapiQuery parse(Map<String, List<String>> params, Map<String, FieldKind> fields) {
        StrapiQuery query = new StrapiQuery(Map.copyOf(fields));
        for (var entry : ParamTree.of(params).entrySet()) {
            String name = entry.getKey();
            Node node = entry.getValue();
            switch (name) {
                case "_limit" -> query.limit = integer(node, -1);
                case "_start" -> query.start = integer(node, 0);
                case "_sort" -> query.order = SortOrder.parse(single(node), fields);
                case "_q" -> query.conditions.add(query.fullText(single(node)));
                case "_where" -> query.conditions.add(query.where(node));
                case "_publicationState" -> publicationState(node);
                default -> query.conditions.add(query.clause(name, node));
            }
        }
        return query;
    }

    /** The matching documents, sorted, from {@code _start}, at most {@code _limit}. */
    public List<Map<String, Object>> apply(List<Map<String, Object>> documents) {
        Stream<Map<String, Object>> stream = documents.stream().filter(this::matches);
        if (order != null) {
            stream = stream.sorted(order);
        }
        stream = stream.skip(start);
        return (limit < 0 ? stream : stream.limit(limit)).toList();
    }

    /** How many documents match; {@code _limit}, {@code _start} and {@code _sort} do not count here. */
    public long count(List<Map<String, Object>> documents) {
        return documents.stream().filter(this::matches).count();
    }

    private boolean matches(Map<String, Object> document) {
        return conditions.stream().allMatch(c -> c.test(document));
    }

    private Condition where(Node node) {
        if (!(node instanceof Branch branch)) {
            throw ApiException.invalid(node.param(), "takes conditions, e.g. _where[accuracy_gt]=0.5");
        }
        if (branch.isList()) {
            return new Condition.AllOf(branch.elements().stream().map(this::where).toList());
        }
        List<Condition> all = new ArrayList<>();
        branch.children().forEach((key, child) -> all.add(key.equals("_or") ? anyOf(child) : clause(key, child)));
        return new Condition.AllOf(all);
    }

    private Condition anyOf(Node node) {
        if (!(node instanceof Branch branch) || !branch.isList()) {
            throw ApiException.invalid(node.param(), "_or takes a list of conditions, e.g. _where[_or][0][uuid]=a");
        }
        return new Condition.AnyOf(branch.elements().stream().map(this::where).toList());
    }

    private Condition clause(String name, Node node) {
        String param = node.param();
        FieldKind kind = fields.get(name);
        Operator op = Operator.EQ;
        String field = name;
        if (kind == null) {
            op = Operator.ofName(name).orElseThrow(() -> unknownField(param, name));
            field = name.substring(0, name.length() - op.suffix().length());
            kind = fields.get(field);
            if (kind == null) {
                throw unknownField(param, field);
            }
        }
        List<String> raw = values(node);
        if (raw.isEmpty() || !op.takesList() && raw.size() != 1) {
            throw ApiException.invalid(param, op.takesList() ? "needs a value" : "takes exactly one value");
        }
        List<Object> values = new ArrayList<>(raw.size());
        for (String value : raw) {
            values.add(op == Operator.NULL ? bool(param, value) : op.onText() ? value : kind.read(param, value));
        }
        return new Condition.Clause(field, kind, op, values);
    }

    private Condition fullText(String text) {
        List<String> texts = fields.entrySet().stream().filter(e -> e.getValue() == FieldKind.TEXT)
                .map(Map.Entry::getKey).sorted().toList();
        List<Condition> any = new ArrayList<>(List.of(new Condition.FullText(text, texts)));
        try {
            Double number = (Double) FieldKind.NUMBER.read("_q", text);
            fields.forEach((field, kind) -> {
                if (kind == FieldKind.NUMBER) {
                    any.add(new Condition.Clause(field, kind, Operator.EQ, List.<Object>of(number)));
                }
            });
        } catch (ApiException notANumber) {
            // Text only: numeric fields match a _q that is a number.
        }
        return new Condition.AnyOf(any);
    }

    private static List<String> values(Node node) {
        if (node instanceof Values values) {
            return values.values();
        }
        Branch branch = (Branch) node;
        if (!branch.isList()) {
            throw ApiException.invalid(node.param(), "takes values, not named sub-parameters");
        }
        List<String> all = new ArrayList<>();
        for (Node element : branch.elements()) {
            if (!(element instanceof Values v)) {
                throw ApiException.invalid(element.param(), "takes values, not nested lists");
            }
            all.addAll(v.values());
        }
        return all;
    }

    private static String single(Node node) {
        if (!(node instanceof Values values) || values.values().size() != 1) {
            throw ApiException.invalid(node.param(), "takes exactly one value");
        }
        return values.values().get(0);
    }

    private static int integer(Node node, int min) {
        String value = single(node).strip();
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min) {
                throw ApiException.invalid(node.param(), "must be at least " + min);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(node.param(), "'" + value + "' is not a whole number");
        }
    }

    private static Boolean bool(String param, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> Boolean.TRUE;
            case "false", "0" -> Boolean.FALSE;
            default -> throw ApiException.invalid(param, "'" + value + "' is not true or false");
        };
    }

    private static void publicationState(Node node) {
        String value = single(node);
        if (!value.equals("live") && !value.equals("preview")) {
            throw ApiException.invalid(node.param(), "must be live or preview");
        }
    }

    private ApiException unknownField(String param, String field) {
        return ApiException.invalid(param, "no field '" + field + "' to filter on (fields: "
                + String.join(", ", fields.keySet().stream().sorted().toList()) + "; operators: _eq _ne _lt _lte _gt "
                + "_gte _in _nin _contains _ncontains _containss _ncontainss _null)");
    }
}
