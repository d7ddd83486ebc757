package io.trainyard.ingress.internal.maiascore.strapi;

import java.util.Optional;

/**
 * Strapi v3's filter operators, the suffix of a parameter name ({@code accuracy_gte}); a bare
 * field name is {@link #EQ}. Longer suffixes are listed first so {@code _ncontainss} is not read
 * as {@code _ncontains} of a field ending in "s".
 */
enum Operator {
    NCONTAINSS("_ncontainss"),
    CONTAINSS("_containss"),
    NCONTAINS("_ncontains"),
    CONTAINS("_contains"),
    NULL("_null"),
    NIN("_nin"),
    LTE("_lte"),
    GTE("_gte"),
    EQ("_eq"),
    NE("_ne"),
    LT("_lt"),
    GT("_gt"),
    IN("_in");

    private final String suffix;

    Operator(String suffix) {
        this.suffix = suffix;
    }

    String suffix() {
        return suffix;
    }

    /** Operators that take a list of values; the others take exactly one. */
    boolean takesList() {
        return this == IN || this == NIN || this == EQ || this == NE;
    }

    /** Operators that match on text, whatever the field's type. */
    boolean onText() {
        return this == CONTAINS || this == NCONTAINS || this == CONTAINSS || this == NCONTAINSS;
    }

    /** The operator a parameter name ends with, if any, leaving a non-empty field name. */
    static Optional<Operator> ofName(String name) {
        for (Operator op : values()) {
            if (name.endsWith(op.suffix) && name.length() > op.suffix.length()) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}
