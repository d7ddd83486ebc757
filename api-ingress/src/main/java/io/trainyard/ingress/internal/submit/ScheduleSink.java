package io.trainyard.ingress.internal.submit;

import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.ingress.SchedulePublisher;
import io.trainyard.ingress.internal.schedule.SchedulePublishException;
import java.time.Duration;

/**
 * Where a REPEAT task's schedule goes instead of a job: the scheduler owns firing it. Both
 * methods block until the change is durable on {@code trainyard.schedules}, or throw
 * {@link PublishFailedException}, so the submit path rolls back alike for jobs and schedules.
 */
public interface ScheduleSink {
    /** Publishes (or replaces) a schedule, waiting {@code waitMillis} at most for Kafka's acknowledgement. */
    void publish(ScheduleDefinition definition, long waitMillis);

    /** Removes the schedule of a task (it was deleted). */
    void remove(String tenant, String taskId);

    /** The schedule topic, through the scheduler's own publisher. */
    static ScheduleSink of(SchedulePublisher publisher) {
        return new ScheduleSink() {
            @Override
            public void publish(ScheduleDefinition definition, long waitMillis) {
                try {
                    publisher.publish(definition, Duration.ofMillis(waitMillis));
                } catch (SchedulePublishException e) {
                    throw new PublishFailedException("trainyard.schedules", e.key(), e.getCause());
                }
            }

            @Override
            public void remove(String tenant, String taskId) {
                try {
                    publisher.delete(tenant, taskId);
                } catch (SchedulePublishException e) {
                    throw new PublishFailedException("trainyard.schedules", e.key(), e.getCause());
                }
            }
        };
    }
}
