package io.trainyard.ingress.internal.mlw;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** MLW's timestamp wording, e.g. {@code Mon Sep 28 10:31:59 2020} (UTC). */
final class MlwTime {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private MlwTime() {}

    /** Formats an epoch-millisecond field; "" when it is absent or not a number. */
    static String format(String epochMillis) {
        if (epochMillis == null || epochMillis.isEmpty()) {
            return "";
        }
        try {
            return FORMAT.format(Instant.ofEpochMilli(Long.parseLong(epochMillis)));
        } catch (NumberFormatException e) {
            return "";
        }
    }

    /** Splits a start time into MLW's {@code startDate}, {@code startTimeH}, {@code startTimeM}. */
    static String[] split(long epochMillis, ZoneId zone) {
        var local = Instant.ofEpochMilli(epochMillis).atZone(zone);
        return new String[] {local.toLocalDate().toString(), twoDigits(local.getHour()), twoDigits(local.getMinute())};
    }

    private static String twoDigits(int value) {
        return value < 10 ? "0" + value : Integer.toString(value);
    }
}
