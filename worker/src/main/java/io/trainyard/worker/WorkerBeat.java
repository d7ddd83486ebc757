package io.trainyard.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trainyard.common.ops.BeatFields;
import io.trainyard.common.ops.BuildVersion;
import io.trainyard.common.ops.Heartbeat;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.IntSupplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * What a worker tells the console every {@link Heartbeat#EVERY}: its version, slots busy and
 * free, runs ended since it started (read from its own {@code trainyard.worker.runs.finished}
 * counters), and when it started.
 */
final class WorkerBeat {
    private WorkerBeat() {}

    static Heartbeat start(UnifiedJedis redis, String workerId, int slots, IntSupplier busy, MeterRegistry meters,
                           InstantSource clock) {
        String version = BuildVersion.of(WorkerBeat.class, "trainyard-worker");
        String startedAt = Long.toString(clock.millis());
        return Heartbeat.start(redis, Heartbeat.Kind.WORKER, workerId, () -> Map.of(
                BeatFields.VERSION, version,
                BeatFields.SLOTS, Integer.toString(slots),
                BeatFields.BUSY, Integer.toString(busy.getAsInt()),
                BeatFields.JOBS_DONE, Long.toString(jobsDone(meters)),
                BeatFields.STARTED_AT, startedAt), clock);
    }

    private static long jobsDone(MeterRegistry meters) {
        return (long) meters.find("trainyard.worker.runs.finished").counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
