package io.trainyard.ingress.submit;

import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes schedule definitions to the compacted {@code trainyard.schedules} topic, keyed by
 * task id; a deleted task's schedule becomes a tombstone. The value is the task record's
 * scheduling fields as JSON, with a schema version.
 */
public final class TopicScheduleSink implements ScheduleSink {
    static final int SCHEMA_VERSION = 1;

    private final RecordPublisher publisher;

    public TopicScheduleSink(RecordPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void publish(Map<String, String> task) {
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("schemaVersion", SCHEMA_VERSION);
        for (String field : new String[] {"tenant", "id", "name", "type", "projectID", "resourceID",
                "cronExpression", "timeZone", "startDate", "timeoutSeconds", "createdAt"}) {
            definition.put(field.equals("id") ? "taskId" : field, task.getOrDefault(field, ""));
        }
        publisher.publish(Topics.SCHEDULES, task.get("id"), Json.write(definition));
    }

    @Override
    public void remove(String tenant, String taskId) {
        publisher.publish(Topics.SCHEDULES, taskId, null);
    }
}
