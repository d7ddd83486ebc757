package io.trainyard.common.resource;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of resource a project holds, told apart by file extension. The resource listing is
 * grouped by kind; {@code execute} runs CODE, {@code workflow} trains a WORKFLOW, and a finished
 * training adds a MODEL.
 */
public enum ResourceKind {
    CODE(Set.of("py")),
    WORKFLOW(Set.of("wf")),
    DATA(Set.of("csv", "json", "txt", "parquet")),
    MODEL(Set.of("pmml", "onnx", "pkl", "joblib")),
    NOTEBOOK(Set.of("ipynb"));

    private final Set<String> extensions;

    ResourceKind(Set<String> extensions) {
        this.extensions = extensions;
    }

    public static Optional<ResourceKind> ofFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String extension = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (ResourceKind kind : values()) {
            if (kind.extensions.contains(extension)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** Every supported extension, e.g. ".py, .wf, .csv, ...", for error messages. */
    public static String supported() {
        StringBuilder out = new StringBuilder();
        for (ResourceKind kind : values()) {
            kind.extensions.stream().sorted().forEach(e -> out.append(out.isEmpty() ? "" : ", ").append('.').append(e));
        }
        return out.toString();
    }
}
