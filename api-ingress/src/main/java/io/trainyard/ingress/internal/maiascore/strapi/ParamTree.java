package io.trainyard.ingress.internal.maiascore.strapi;

import io.trainyard.ingress.internal.http.ApiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Query parameters with bracketed names read as nested values, the way Strapi's query parser
 * (qs) reads them: {@code _where[0][accuracy_gt]=0.5}, {@code version_in[]=a},
 * {@code _where[_or][1][uuid]=x}. A node is either values or named children; a node whose
 * children are all indexes ({@code 0}, {@code 1}, or {@code []}) is a list.
 */
final class ParamTree {
    private static final Pattern NAME = Pattern.compile("([^\\[\\]]+)((?:\\[[^\\[\\]]*\\])*)");
    private static final Pattern KEY = Pattern.compile("\\[([^\\[\\]]*)\\]");

    /** A node of the tree; {@code param} is the parameter name that reaches it, for error messages. */
    sealed interface Node {
        String param();
    }

    record Values(String param, List<String> values) implements Node {}

    record Branch(String param, Map<String, Node> children) implements Node {
        /** True when every child is an index (qs's array). */
        boolean isList() {
            return !children.isEmpty() && children.keySet().stream().allMatch(k -> k.matches("\\d{1,4}"));
        }

        /** The children in index order (for a list) or in the order they came. */
        List<Node> elements() {
            if (!isList()) {
                return List.copyOf(children.values());
            }
            return children.entrySet().stream()
                    .sorted(Map.Entry.<String, Node>comparingByKey(Comparator.comparingInt(Integer::parseInt)))
                    .map(Map.Entry::getValue).toList();
        }
    }

    private ParamTree() {}

    /** Top-level name to node, in the order the parameters came. */
    static Map<String, Node> of(Map<String, List<String>> params) {
        Map<String, Node> roots = new LinkedHashMap<>();
        for (var entry : params.entrySet()) {
            String name = entry.getKey();
            Matcher matcher = NAME.matcher(name);
            if (!matcher.matches()) {
                throw ApiException.invalid(name, "is not a parameter name Strapi reads (unbalanced brackets)");
            }
            List<String> keys = new ArrayList<>();
            Matcher key = KEY.matcher(matcher.group(2));
            while (key.find()) {
                keys.add(key.group(1));
            }
            insert(roots, matcher.group(1), matcher.group(1), keys, entry.getValue(), name);
        }
        return roots;
    }

    private static void insert(Map<String, Node> into, String key, String path, List<String> rest, List<String> values,
                               String param) {
        Node existing = into.get(key);
        if (rest.isEmpty() || rest.size() == 1 && rest.get(0).isEmpty()) {
            // "a" or "a[]": values of a; "a[]" may repeat, and "a=1&a[]=2" adds up as qs does.
            if (existing instanceof Branch) {
                throw ApiException.invalid(param, "mixes a value with nested parameters of " + path);
            }
            List<String> all = new ArrayList<>(existing instanceof Values v ? v.values() : List.of());
            all.addAll(values);
            into.put(key, new Values(param, all));
            return;
        }
        if (existing instanceof Values) {
            throw ApiException.invalid(param, "mixes a value with nested parameters of " + path);
        }
        Branch branch = existing instanceof Branch b ? b : new Branch(param, new LinkedHashMap<>());
        into.put(key, branch);
        String child = rest.get(0);
        if (child.isEmpty()) {
            throw ApiException.invalid(param, "has an empty index before further brackets");
        }
        insert(branch.children(), child, path + "[" + child + "]", rest.subList(1, rest.size()), values, param);
    }
}
