package io.trainyard.scheduler.fire;

import java.time.Instant;
import java.util.Optional;

/** What a task remembers about its schedule's fires, shared by every scheduler instance. */
public interface FireHistory {

    /** The latest fire time handled for the task (fired, skipped or missed), if any. */
    Optional<Instant> lastFireAt(String tenant, String taskId);

    /** Records fire times missed after downtime: older than the catch-up window, never run. */
    void recordMissed(String tenant, String taskId, long count, Instant latest);

    /** Records fire times skipped by the overlap policy. */
    void recordSkipped(String tenant, String taskId, long count, Instant latest);
}
