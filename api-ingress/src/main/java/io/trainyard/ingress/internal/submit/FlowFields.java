package io.trainyard.ingress.internal.submit;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.flow.FlowKeys;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.Priority;
import io.trainyard.common.kafka.Topics;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.JsonFields;
import java.util.Map;

/**
 * A submit's flow-control fields, {@code priority} ({@code high}, {@code normal}, {@code low})
 * and {@code concurrencyKey}, as every dialect accepts them: checked, kept on the task (so a run
 * queued again keeps them) and carried by the job message (schema version 2).
 */
public final class FlowFields {
    public static final String PRIORITY = "priority";
    public static final String CONCURRENCY_KEY = "concurrencyKey";

    private FlowFields() {}

    /** Reads the fields of {@code body} into {@code task}; a bad value is a 400 naming the field. */
    public static void read(JsonNode body, Map<String, String> task) {
        JsonFields.optionalString(body, PRIORITY).ifPresent(text -> task.put(PRIORITY, text));
        JsonFields.optionalString(body, CONCURRENCY_KEY).ifPresent(key -> task.put(CONCURRENCY_KEY, key));
        check(task);
    }

    /**
     * Checks the flow fields among a dialect's task fields (maiascore keeps every field it is
     * sent), writing the priority in its wire form; a bad value is a 400 naming the field.
     */
    public static void check(Map<String, String> task) {
        String priority = task.get(PRIORITY);
        if (priority != null) {
            try {
                task.put(PRIORITY, Priority.parse(priority).wire());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(PRIORITY, e.getMessage());
            }
        }
        String key = task.get(CONCURRENCY_KEY);
        if (key != null && !FlowKeys.isKey(key)) {
            throw ApiException.invalid(CONCURRENCY_KEY, FlowKeys.KEY_RULE);
        }
    }

    /** The job of a run of {@code task} (its flow fields, if any, from the task). */
    public static JobMessage job(String runId, String taskId, String tenant, JobType type, String projectId,
                                 String resourceId, long timeoutSeconds, long createdAt, Map<String, String> task) {
        String priority = task.get(PRIORITY);
        return new JobMessage(JobMessage.SCHEMA_VERSION, runId, taskId, tenant, type, projectId, resourceId, null,
                timeoutSeconds, 1, createdAt, priority == null || priority.equals(Priority.NORMAL.wire()) ? null : priority,
                task.get(CONCURRENCY_KEY), null, null);
    }

    /** The topic of {@code job}, by its type and priority. */
    public static String topic(JobMessage job) {
        return Topics.jobsTopicFor(job.type(), job.priorityLevel());
    }
}
