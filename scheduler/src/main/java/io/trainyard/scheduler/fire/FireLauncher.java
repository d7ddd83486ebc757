package io.trainyard.scheduler.fire;

import io.trainyard.common.schedule.ScheduleDefinition;
import java.time.Instant;
import java.util.List;

/** Launches due fires; a partition's timer hands it every fire that is due at once. */
public interface FireLauncher {

    /** One fire to launch: a schedule and the fire time it is due for. */
    record Due(ScheduleDefinition schedule, Instant fireTime) {}

    /** Launches every fire of the batch; the outcomes come back in the batch's order. */
    List<FireOutcome> launch(List<Due> batch);
}
