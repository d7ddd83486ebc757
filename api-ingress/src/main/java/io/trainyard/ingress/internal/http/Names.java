package io.trainyard.ingress.internal.http;

/**
 * Rules for names people give things (tasks, projects, resources): printable, no path
 * separators, bounded length. Names end up in logs, file names and other tools' UIs.
 */
public final class Names {
    public static final int MAX_LENGTH = 128;

    private Names() {}

    /** Returns {@code value} trimmed, or throws a 400 naming {@code field}. */
    public static String check(String field, String value) {
        String name = value.strip();
        if (name.isEmpty()) {
            throw ApiException.missing(field);
        }
        if (name.length() > MAX_LENGTH) {
            throw ApiException.invalid(field, "longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                throw ApiException.invalid(field, "contains a control character");
            }
            if (c == '/' || c == '\\') {
                throw ApiException.invalid(field, "contains a path separator");
            }
        }
        if (name.equals(".") || name.equals("..")) {
            throw ApiException.invalid(field, "is not a usable name");
        }
        return name;
    }
}
