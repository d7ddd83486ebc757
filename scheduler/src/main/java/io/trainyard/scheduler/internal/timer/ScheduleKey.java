package io.trainyard.scheduler.internal.timer;

import io.trainyard.common.schedule.ScheduleDefinition;

/**
 * A schedule's record key ({@code tenant/taskId}) as a timer holds it: the two parts, which for
 * a schedule whose record key is its own {@link ScheduleDefinition#key()} are the very strings the
 * definition holds, instead of a third string per schedule (about 50 bytes each, 50 MB for a
 * million schedules). Equal keys are equal texts: a key is split at its first {@code /}, and one
 * without any has no task part.
 */
record ScheduleKey(String tenant, String taskId) {

    /** The key of {@code schedule}, read from the record under {@code recordKey}. */
    static ScheduleKey of(String recordKey, ScheduleDefinition schedule) {
        int slash = recordKey.indexOf('/');
        if (slash == schedule.tenant().length() && recordKey.startsWith(schedule.tenant())
                && recordKey.regionMatches(slash + 1, schedule.taskId(), 0, schedule.taskId().length())
                && recordKey.length() == slash + 1 + schedule.taskId().length()) {
            return new ScheduleKey(schedule.tenant(), schedule.taskId());
        }
        return parse(recordKey);
    }

    /** The key a record key names (a tombstone's, a lookup's). */
    static ScheduleKey parse(String recordKey) {
        int slash = recordKey.indexOf('/');
        return slash < 0 ? new ScheduleKey(recordKey, null)
                : new ScheduleKey(recordKey.substring(0, slash), recordKey.substring(slash + 1));
    }

    @Override
    public String toString() {
        return taskId == null ? tenant : tenant + "/" + taskId;
    }
}
