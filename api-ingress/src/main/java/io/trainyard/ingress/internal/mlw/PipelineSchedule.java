package io.trainyard.ingress.internal.mlw;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.schedule.ScheduleTiming;
import io.trainyard.ingress.ScheduleRequest;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.http.JsonFields;
import io.trainyard.ingress.internal.pipeline.PipelineRequest;
import io.trainyard.ingress.internal.submit.Recurrence;
import io.trainyard.ingress.internal.submit.SubmitRequest;
import io.trainyard.ingress.internal.submit.TaskRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A recurring pipeline: {@code recurrence: "REPEAT"} with the fields of a recurring task
 * ({@code cronExpression}, {@code timeZone}, {@code startDate}, {@code endDate}) and its
 * {@code overlap} policy (SKIP, ALLOW or QUEUE_ONE) beside the pipeline document. It is stored as
 * a REPEAT task named {@code pipelineName} that keeps the document; each fire's run heads one
 * instance of the pipeline (see {@link PipelineFires}).
 */
final class PipelineSchedule {
    private PipelineSchedule() {}

    /** The recurring task of a REPEAT document (already checked as a pipeline); empty for a one-time one. */
    static Optional<SubmitRequest> parse(JsonNode body, PipelineRequest checked, Principal principal, Instant now) {
        Optional<String> recurrence = JsonFields.optionalString(body, ScheduleRequest.RECURRENCE);
        String cron = JsonFields.optionalString(body, ScheduleRequest.CRON_EXPRESSION).orElse("");
        String zone = JsonFields.optionalString(body, ScheduleRequest.TIME_ZONE).orElse(null);
        Optional<ScheduleTiming> timing = recurrence.isEmpty() && cron.isBlank() ? Optional.empty()
                : ScheduleRequest.recurrence(recurrence.orElse(null), cron, zone,
                        JsonFields.optionalString(body, ScheduleRequest.START_DATE).orElse(null),
                        JsonFields.optionalString(body, ScheduleRequest.END_DATE).orElse(null), now);
        if (timing.isEmpty()) {
            return Optional.empty();
        }
        OverlapPolicy overlap = OverlapPolicy.parse(JsonFields.optionalString(body, TaskRecords.OVERLAP).orElse(null));
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("createdBy", principal.user());
        extra.put(TaskRecords.OVERLAP, overlap.name());
        extra.put(TaskRecords.PIPELINE_TEMPLATE, body.toString());
        extra.put("failurePolicy", checked.failurePolicy().wire());
        return Optional.of(new SubmitRequest(principal.tenant(), "mlw", checked.name(), JobType.NOOP,
                Recurrence.REPEAT, cron.strip(), timing.get().zone(), timing.get().start(), timing.get(), null, null,
                null, 0, "[]", extra));
    }

    /**
     * A recurring pipeline in MLW's style: {@code id} (its task's), {@code pipelineName},
     * {@code recurrence}, {@code cronExpression}, {@code timeZone}, {@code overlap},
     * {@code failurePolicy}, {@code status} (SCHEDULED), {@code skippedFires} and its
     * {@code instances}, oldest first: {@code [{runID, fireTime, status, pipelineID}]}.
     */
    static Map<String, Object> view(Map<String, String> task, List<Map<String, String>> runs) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", task.get("id"));
        view.put("pipelineName", task.get("name"));
        view.put("recurrence", task.get("recurrence"));
        view.put("cronExpression", task.get("cronExpression"));
        view.put("timeZone", task.get("timeZone"));
        view.put("overlap", task.getOrDefault(TaskRecords.OVERLAP, OverlapPolicy.DEFAULT.name()));
        view.put("failurePolicy", task.get("failurePolicy"));
        view.put("status", task.getOrDefault("status", "SCHEDULED"));
        view.put("paused", task.containsKey("pausedAt"));
        view.put("skippedFires", Long.parseLong(task.getOrDefault("skippedFires", "0")));
        view.put("createdAt", MlwTime.format(task.get("createdAt")));
        List<Map<String, Object>> instances = new ArrayList<>();
        for (Map<String, String> run : runs) {
            if (run.isEmpty()) {
                continue;
            }
            Map<String, Object> instance = new LinkedHashMap<>();
            instance.put("runID", run.get(RunRecord.ID));
            instance.put("fireTime", MlwTime.format(run.get(RunRecord.FIRE_TIME)));
            instance.put("status", run.get(RunRecord.STATUS));
            instance.put("pipelineID", run.get(RunRecord.PIPELINE_ID));
            instances.add(instance);
        }
        view.put("instances", instances);
        return view;
    }
}
