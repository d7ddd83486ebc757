package io.trainyard.ingress.internal.chorus;

import io.trainyard.common.schedule.ScheduleRuleException;
import io.trainyard.common.schedule.ScheduleTiming;
import io.trainyard.ingress.ScheduleRequest;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.FlatBody;
import io.trainyard.ingress.internal.http.Names;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The body of {@code POST /api/jobs}, a JSON object or a form: {@code name}, {@code workspace_id},
 * {@code workfile_ids} (the job's tasks in order: a JSON array, or comma-separated), and Chorus's
 * schedule: {@code interval_unit} ({@code on_demand}, hours, days, weeks, months),
 * {@code interval_value}, {@code next_run}, {@code end_run}, {@code time_zone}, checked by the
 * scheduler's own rules (a past {@code next_run} is a 422).
 *
 * @param timing the schedule, or null for a job run on demand only
 */
record JobBody(String name, String workspaceId, List<String> workfileIds, String intervalUnit, ScheduleTiming timing,
               String timeZone) {
    static final String ON_DEMAND = "on_demand";
    static final int MAX_TASKS = 50;

    static JobBody parse(byte[] bytes, Instant now) {
        Map<String, String> fields = FlatBody.parse(bytes);
        String name = Names.check("name", required(fields, "name"));
        String workspace = required(fields, "workspace_id");
        List<String> workfiles = list(required(fields, "workfile_ids"));
        if (workfiles.isEmpty() || workfiles.size() > MAX_TASKS) {
            throw ApiException.invalid("workfile_ids", "must name 1 to " + MAX_TASKS + " workfiles");
        }
        String unit = fields.getOrDefault("interval_unit", ON_DEMAND).strip().toLowerCase(Locale.ROOT);
        String zone = fields.getOrDefault("time_zone", "");
        // A rule the scheduler would refuse throws ScheduleRuleException: a 400 naming the field.
        ScheduleRequest.zone(zone, ScheduleRequest.CHORUS_TIME_ZONE);
        ScheduleTiming timing = unit.equals(ON_DEMAND) || unit.isEmpty() ? null : ScheduleRequest.interval(unit,
                fields.get("interval_value"), fields.get("next_run"), fields.get("end_run"), zone, now);
        return new JobBody(name, workspace, workfiles, timing == null ? ON_DEMAND : unit, timing, zone);
    }

    private static String required(Map<String, String> fields, String field) {
        String value = fields.get(field);
        if (value == null || value.isBlank()) {
            throw ApiException.missing(field);
        }
        return value.strip();
    }

    /** {@code [1000004, 1000005]} or {@code 1000004,1000005}. */
    private static List<String> list(String text) {
        String inner = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        List<String> ids = new ArrayList<>();
        for (String part : inner.split(",")) {
            String id = part.strip().replace("\"", "");
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return ids;
    }
}
