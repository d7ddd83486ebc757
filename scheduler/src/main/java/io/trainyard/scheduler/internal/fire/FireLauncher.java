package io.trainyard.scheduler.internal.fire;

import io.trainyard.common.schedule.ScheduleDefinition;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Launches due fires; a partition's timer hands it every fire that is due at once and goes back
 * to its clock, so a slow Redis or Kafka never holds up the fires due next.
 */
public interface FireLauncher {

    /** One fire to launch: a schedule and the fire time it is due for. */
    record Due(ScheduleDefinition schedule, Instant fireTime) {}

    /**
     * Starts launching every fire of the batch and returns at once. The stage completes with the
     * outcomes, in the batch's order, once each fire is settled (for a created run: once Kafka
     * acknowledged its job or gave up on it).
     */
    CompletionStage<List<FireOutcome>> launch(List<Due> batch);
}
