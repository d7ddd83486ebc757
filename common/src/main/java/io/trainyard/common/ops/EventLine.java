package io.trainyard.common.ops;

/**
 * One event as one log line of {@code key=value} fields (logfmt), starting with
 * {@code event=<name>}: {@code event=started task=... run=... tenant=... attempt=2}. A value with
 * spaces, quotes or {@code =} is quoted; line breaks are escaped, so an event never spans lines.
 * Null values are left out.
 */
public final class EventLine {
    private final StringBuilder line = new StringBuilder(128);

    private EventLine(String event) {
        line.append("event=").append(event);
    }

    public static EventLine of(String event) {
        return new EventLine(event);
    }

    public EventLine with(String key, Object value) {
        if (value != null) {
            line.append(' ').append(key).append('=');
            append(value.toString());
        }
        return this;
    }

    private void append(String value) {
        boolean quote = value.isEmpty();
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c <= ' ' || c == '"' || c == '=' || c == '\\';
        }
        if (!quote) {
            line.append(value);
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> line.append(c < ' ' ? ' ' : c);
            }
        }
        line.append('"');
    }

    @Override
    public String toString() {
        return line.toString();
    }
}
