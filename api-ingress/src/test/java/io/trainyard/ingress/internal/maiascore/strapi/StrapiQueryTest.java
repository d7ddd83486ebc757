package io.trainyard.ingress.internal.maiascore.strapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.ingress.internal.http.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrapiQueryTest {
    static final Map<String, FieldKind> FIELDS = Map.of("name", FieldKind.TEXT, "score", FieldKind.NUMBER,
            "at", FieldKind.DATE);
    static final List<Map<String, Object>> DOCS = List.of(
            Map.of("name", "a", "score", 1, "at", "2020-01-01T00:00:00Z"),
            Map.of("name", "b", "score", 2.5, "at", "2021-01-01T00:00:00Z"),
            Map.of("name", "", "score", 3, "at", ""));

    static List<Object> names(String... params) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            query.computeIfAbsent(params[i], k -> new java.util.ArrayList<>()).add(params[i + 1]);
        }
        return StrapiQuery.parse(query, FIELDS).apply(DOCS).stream().map(d -> d.get("name")).toList();
    }

    @Test
    void numbersAndDatesCompareByTheirKind() {
        assertThat(names("score_gt", "2")).containsExactly("b", "");
        assertThat(names("score", "2.50")).containsExactly("b");
        assertThat(names("at_lt", "2020-06-01")).containsExactly("a");
        assertThat(names("at_null", "true")).containsExactly("");
        assertThat(names("name_null", "false", "_sort", "score:DESC")).containsExactly("b", "a");
    }

    @Test
    void bracketsNestWhereClausesAndLists() {
        assertThat(names("_where[_or][0][name]", "a", "_where[_or][1][score_gte]", "3")).containsExactly("a", "");
        assertThat(names("name_in[]", "a", "name_in[]", "b")).containsExactly("a", "b");
        assertThat(names("_where[1][score_lt]", "3", "_where[0][score_gt]", "1")).containsExactly("b");
    }

    @Test
    void whatCannotBeAppliedNamesItsParameter() {
        for (String[] bad : new String[][] {{"score_gt", "abc"}, {"at_gte", "soon"}, {"nope", "1"}, {"name_null", "x"},
                {"_sort", "name:SIDEWAYS"}, {"_sort", "nope"}, {"_where[_or]", "x"}, {"name[a", "x"}}) {
            assertThatThrownBy(() -> names(bad)).as(bad[0]).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.field()).isEqualTo(bad[0]));
        }
    }
}
