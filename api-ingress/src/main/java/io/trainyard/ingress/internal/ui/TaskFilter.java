package io.trainyard.ingress.internal.ui;

import java.util.Locale;

/** The Tasks page's filters; blank means any. Status is the latest run's (or SCHEDULED / NO RUNS). */
public record TaskFilter(String status, String type, String project, String name) {
    boolean test(TaskRow row, String projectId) {
        return (blank(status) || status.equalsIgnoreCase(row.status()))
                && (blank(type) || type.equalsIgnoreCase(row.type()))
                && (blank(project) || project.equals(projectId) || project.equalsIgnoreCase(row.projectName()))
                && (blank(name) || row.name().toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT)));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
