package io.trainyard.ingress.submit;

import java.util.Map;

/**
 * Where a REPEAT task's schedule goes instead of a job: the scheduler owns firing it. Both
 * methods block until the schedule change is durable, or throw {@link PublishFailedException}.
 */
public interface ScheduleSink {
    /** Publishes (or replaces) the schedule of the task whose record is {@code task}. */
    void publish(Map<String, String> task);

    /** Removes the schedule of a task (it was deleted). */
    void remove(String tenant, String taskId);
}
