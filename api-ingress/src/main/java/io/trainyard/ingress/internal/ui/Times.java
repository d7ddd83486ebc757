package io.trainyard.ingress.internal.ui;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the console writes a time: UTC, to the second. */
public final class Times {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Times() {}

    /** Epoch milliseconds as text (a record field) to a readable time; "" when absent. */
    static String millis(String epochMillis) {
        if (epochMillis == null || epochMillis.isBlank()) {
            return "";
        }
        try {
            return FORMAT.format(Instant.ofEpochMilli(Long.parseLong(epochMillis.strip())));
        } catch (NumberFormatException e) {
            return epochMillis;
        }
    }

    /** Epoch milliseconds to a readable time (for templates). */
    public static String epoch(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Epoch milliseconds as text to a readable time, "—" when absent (for templates). */
    public static String epochText(String epochMillis) {
        String text = millis(epochMillis);
        return text.isEmpty() ? "—" : text;
    }

    static String instant(Instant instant) {
        return FORMAT.format(instant);
    }
}
