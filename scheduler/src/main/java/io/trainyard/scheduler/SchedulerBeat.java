package io.trainyard.scheduler;

import io.trainyard.common.ops.BeatFields;
import io.trainyard.common.ops.BuildVersion;
import io.trainyard.common.ops.Heartbeat;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.IntSupplier;
import redis.clients.jedis.UnifiedJedis;

/** What a scheduler instance tells the console every {@link Heartbeat#EVERY}: version, start, schedules and partitions owned. */
final class SchedulerBeat {
    private SchedulerBeat() {}

    static Heartbeat start(UnifiedJedis redis, String instanceId, IntSupplier schedules, IntSupplier partitions,
                           InstantSource clock) {
        String version = BuildVersion.of(SchedulerBeat.class, "trainyard-scheduler");
        String startedAt = Long.toString(clock.millis());
        return Heartbeat.start(redis, Heartbeat.Kind.SCHEDULER, instanceId, () -> Map.of(
                BeatFields.VERSION, version,
                BeatFields.STARTED_AT, startedAt,
                BeatFields.SCHEDULES, Integer.toString(schedules.getAsInt()),
                BeatFields.PARTITIONS, Integer.toString(partitions.getAsInt())), clock);
    }
}
