package io.trainyard.ingress.internal.mlw;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.job.JobType;
import io.trainyard.common.schedule.ScheduleRuleException;
import io.trainyard.common.schedule.ScheduleTiming;
import io.trainyard.common.training.WorkflowSpec;
import io.trainyard.ingress.ScheduleRequest;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.JsonFields;
import io.trainyard.ingress.internal.http.Names;
import io.trainyard.ingress.internal.submit.FlowFields;
import io.trainyard.ingress.internal.submit.Recurrence;
import io.trainyard.ingress.internal.submit.SubmitRequest;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The body of {@code execute} and {@code workflow}: {@code {recurrence, cronExpression, taskName,
 * startDate?, endDate?, timeZone?, timeoutSeconds?, testSize?, priority?, concurrencyKey?}}. {@code taskName} is checked
 * first, as MLW does; recurrence and dates follow the scheduler's rules
 * ({@link ScheduleRequest}). Unknown fields are ignored.
 */
final class SubmitBody {
    static final long MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

    private SubmitBody() {}

    static SubmitRequest parse(JsonNode body, Principal principal, JobType type,
                               Map<String, String> project, Map<String, String> resource, Instant now) {
        String name = Names.check("taskName", JsonFields.requiredString(body, "taskName"));
        String recurrenceText = JsonFields.requiredString(body, "recurrence");
        String cron = JsonFields.optionalString(body, "cronExpression").orElse("").strip();
        String timeZone = JsonFields.optionalString(body, "timeZone").orElse("");
        String startDate = JsonFields.optionalString(body, "startDate").orElse("");
        String endDate = JsonFields.optionalString(body, "endDate").orElse("");
        ScheduleTiming schedule;
        ZoneId zone;
        Instant start;
        // The scheduler's own rules, so a schedule accepted here is one the scheduler can fire; one
        // it would refuse throws ScheduleRuleException, answered as a 400 naming the field.
        schedule = ScheduleRequest.recurrence(recurrenceText, cron, timeZone, startDate, endDate, now).orElse(null);
        zone = ScheduleRequest.zone(timeZone, ScheduleRequest.TIME_ZONE);
        start = startDate.isBlank() ? null : ScheduleRequest.dateTime(startDate, zone, ScheduleRequest.START_DATE);
        Recurrence recurrence = recurrence(recurrenceText);
        long timeout = JsonFields.optionalWholeNumber(body, "timeoutSeconds").orElse(0L);
        if (timeout < 0 || timeout > MAX_TIMEOUT_SECONDS) {
            throw ApiException.invalid("timeoutSeconds", "must be between 0 and " + MAX_TIMEOUT_SECONDS);
        }
        Map<String, String> extra = new HashMap<>();
        extra.put("resourceName", resource.getOrDefault("name", ""));
        extra.put("createdBy", principal.user());
        FlowFields.read(body, extra);
        if (!endDate.isBlank()) {
            extra.put("endDate", endDate.strip());
        }
        if (type == JobType.WORKFLOW) {
            // Kept on the task only when named: it then overrides the workflow document's for every run.
            var testSize = JsonFields.optionalNumber(body, "testSize");
            if (testSize.isPresent() && !(testSize.get() > 0 && testSize.get() < 1)) {
                throw ApiException.invalid("testSize", "must be a fraction between 0 and 1 (exclusive)");
            }
            testSize.ifPresent(value -> extra.put(WorkflowSpec.TASK_TEST_SIZE, Double.toString(value)));
        }
        return new SubmitRequest(principal.tenant(), "mlw", name, type, recurrence, cron, zone, start, schedule,
                project.get("id"), project.get("name"), resource.get("id"), timeout, "[]", extra);
    }

    private static Recurrence recurrence(String value) {
        try {
            return Recurrence.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("recurrence", "must be ONE_TIME or REPEAT");
        }
    }
}
