package io.trainyard.ingress.internal.maiascore.strapi;

import io.trainyard.ingress.internal.http.ApiException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The type of a document field, which decides how a query value is read and compared. A value
 * that does not read as the field's type is a 400 naming the parameter, never a silent miss.
 */
public enum FieldKind {
    TEXT, NUMBER, DATE;

    /** {@code raw} as this kind's comparable value: a String, a Double or an Instant. */
    Comparable<?> read(String param, String raw) {
        String value = raw.strip();
        return switch (this) {
            case TEXT -> raw;
            case NUMBER -> number(param, value);
            case DATE -> date(param, value);
        };
    }

    /** A document's value as this kind's comparable value, or null when it has none. */
    Comparable<?> of(Object actual) {
        if (actual == null) {
            return null;
        }
        return switch (this) {
            case TEXT -> actual.toString().isEmpty() ? null : actual.toString();
            case NUMBER -> actual instanceof Number n ? Double.valueOf(n.doubleValue()) : null;
            case DATE -> {
                try {
                    yield actual.toString().isEmpty() ? null : Instant.parse(actual.toString());
                } catch (DateTimeParseException e) {
                    yield null;
                }
            }
        };
    }

    private static Double number(String param, String value) {
        try {
            double number = Double.parseDouble(value);
            if (Double.isNaN(number) || Double.isInfinite(number) || value.endsWith("d") || value.endsWith("f")
                    || value.endsWith("D") || value.endsWith("F")) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(param, "'" + value + "' is not a number");
        }
    }

    /** An ISO-8601 instant, a date-time without offset (UTC), a date (its midnight, UTC) or epoch milliseconds. */
    private static Instant date(String param, String value) {
        try {
            if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            if (value.matches("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+")) {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            }
            if (value.matches("\\d{1,15}")) {
                return Instant.ofEpochMilli(Long.parseLong(value));
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(param, "'" + value + "' is not a date (ISO-8601, e.g. 2019-08-24T14:15:22Z)");
        }
    }
}
