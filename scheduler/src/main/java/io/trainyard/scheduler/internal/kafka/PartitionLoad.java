package io.trainyard.scheduler.internal.kafka;

import io.trainyard.common.schedule.ScheduleDefinition;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A newly assigned partition while it is read from the beginning: the latest definition per key,
 * collected until the read position reaches the end offset seen at assignment. Only then do its
 * schedules start firing, so a definition replaced or deleted later in the log never fires.
 */
final class PartitionLoad {
    private final long endOffset;
    private final Map<String, ScheduleDefinition> schedules = new LinkedHashMap<>();

    PartitionLoad(long endOffset) {
        this.endOffset = endOffset;
    }

    long endOffset() {
        return endOffset;
    }

    void put(String key, ScheduleDefinition schedule) {
        schedules.put(key, schedule);
    }

    void remove(String key) {
        schedules.remove(key);
    }

    Map<String, ScheduleDefinition> schedules() {
        return schedules;
    }
}
