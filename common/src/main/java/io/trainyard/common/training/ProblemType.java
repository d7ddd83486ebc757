package io.trainyard.common.training;

import java.util.Locale;

/** What a workflow learns to predict: a class label or a number. */
public enum ProblemType {
    CLASSIFICATION("classification", "Classification"),
    REGRESSION("regression", "Regression");

    private final String wireName;
    private final String label;

    ProblemType(String wireName, String label) {
        this.wireName = wireName;
        this.label = label;
    }

    /** The name in workflow resources and the trainer's spec, e.g. {@code classification}. */
    public String wireName() {
        return wireName;
    }

    /** The name MLW shows in a task's {@code problem_type} property, e.g. {@code Classification}. */
    public String label() {
        return label;
    }

    /** Case-insensitive, since MLW clients send the label as often as the wire name. */
    public static ProblemType parse(String value) {
        if (value != null) {
            String name = value.strip().toLowerCase(Locale.ROOT);
            for (ProblemType type : values()) {
                if (type.wireName.equals(name)) {
                    return type;
                }
            }
        }
        throw new IllegalArgumentException("unknown problemType '" + value
                + "'; expected classification or regression");
    }
}
