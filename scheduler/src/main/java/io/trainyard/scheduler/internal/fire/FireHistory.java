package io.trainyard.scheduler.internal.fire;

import io.trainyard.common.schedule.ScheduleDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a task remembers about its schedule's fires, shared by every scheduler instance. */
public interface FireHistory {

    /** The latest fire time handled for the task (fired, skipped or missed), if any. */
    Optional<Instant> lastFireAt(String tenant, String taskId);

    /** {@link #lastFireAt} of each schedule's task, in order; a store may answer them all in one round trip. */
    default List<Optional<Instant>> lastFiresAt(List<ScheduleDefinition> schedules) {
        return schedules.stream().map(s -> lastFireAt(s.tenant(), s.taskId())).toList();
    }

    /** Records fire times missed after downtime: older than the catch-up window, never run. */
    void recordMissed(String tenant, String taskId, long count, Instant latest);

    /** Records fire times skipped by the overlap policy. */
    void recordSkipped(String tenant, String taskId, long count, Instant latest);
}
