package io.trainyard.ingress.mlw;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.job.JobType;
import io.trainyard.ingress.auth.Principal;
import io.trainyard.ingress.http.ApiException;
import io.trainyard.ingress.http.JsonFields;
import io.trainyard.ingress.http.Names;
import io.trainyard.ingress.submit.Recurrence;
import io.trainyard.ingress.submit.SubmitRequest;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The body of {@code execute} and {@code workflow}: {@code {recurrence, cronExpression, taskName,
 * startDate?, timeZone?, timeoutSeconds?, testSize?}}. Fields are checked in the order MLW
 * documents them, so the first problem named is the one MLW would name. Unknown fields are
 * ignored.
 */
final class SubmitBody {
    static final long MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
    static final double DEFAULT_TEST_SIZE = 0.2;

    private SubmitBody() {}

    static SubmitRequest parse(JsonNode body, Principal principal, JobType type,
                               Map<String, String> project, Map<String, String> resource) {
        String name = Names.check("taskName", JsonFields.requiredString(body, "taskName"));
        Recurrence recurrence = recurrence(JsonFields.requiredString(body, "recurrence"));
        String cron = JsonFields.optionalString(body, "cronExpression").orElse("").strip();
        if (recurrence == Recurrence.REPEAT && cron.isEmpty()) {
            throw ApiException.missing("cronExpression", "recurrence REPEAT needs a cron expression");
        }
        if (cron.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid("cronExpression", "contains a control character");
        }
        ZoneId zone = zone(JsonFields.optionalString(body, "timeZone").orElse(""));
        Instant start = startDate(JsonFields.optionalString(body, "startDate").orElse(""), zone);
        long timeout = JsonFields.optionalWholeNumber(body, "timeoutSeconds").orElse(0L);
        if (timeout < 0 || timeout > MAX_TIMEOUT_SECONDS) {
            throw ApiException.invalid("timeoutSeconds", "must be between 0 and " + MAX_TIMEOUT_SECONDS);
        }
        Map<String, String> extra = new HashMap<>();
        extra.put("resourceName", resource.getOrDefault("name", ""));
        if (type == JobType.WORKFLOW) {
            double testSize = JsonFields.optionalNumber(body, "testSize").orElse(DEFAULT_TEST_SIZE);
            if (!(testSize > 0 && testSize < 1)) {
                throw ApiException.invalid("testSize", "must be a fraction between 0 and 1 (exclusive)");
            }
            extra.put("testSize", Double.toString(testSize));
        }
        return new SubmitRequest(principal.tenant(), "mlw", name, type, recurrence, cron, zone, start,
                project.get("id"), project.get("name"), resource.get("id"), timeout, "[]", extra);
    }

    private static Recurrence recurrence(String value) {
        try {
            return Recurrence.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("recurrence", "must be ONE_TIME or REPEAT");
        }
    }

    private static ZoneId zone(String value) {
        if (value.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(value.strip());
        } catch (DateTimeException e) {
            throw ApiException.invalid("timeZone", "not a known time zone");
        }
    }

    /** ISO-8601: an instant with offset, a local date-time or a date (read in {@code zone}). */
    private static Instant startDate(String value, ZoneId zone) {
        String text = value.strip();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException ignored) {
            // not an offset date-time; try the local forms
        }
        try {
            return LocalDateTime.parse(text).atZone(zone).toInstant();
        } catch (DateTimeException ignored) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(text).atStartOfDay(zone).toInstant();
        } catch (DateTimeException e) {
            throw ApiException.invalid("startDate", "must be an ISO-8601 date or date-time");
        }
    }
}
