package io.trainyard.common.schedule;

import com.cronutils.model.time.ExecutionTime;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Function;

/**
 * cron-utils' calendar arithmetic for cron texts, shared by every rule with the same text. Its
 * parsed form costs a few kilobytes (a linked list of values per field), too much to keep once
 * per schedule when a scheduler holds 100,000 of them; rules keep their text and look the
 * arithmetic up here. The texts in recent use stay parsed; another one is parsed again when it
 * is next used (tens of microseconds).
 *
 * <p>Each text also remembers its last answer. Fires that come due together mostly share their
 * rule (every {@code 0 * * * *} schedule fires at the top of the hour), and each asks for the
 * same next time, which cron-utils works out with some twenty kilobytes of garbage a time.
 * Thread-safe.
 */
final class CronExecutions {
    private final SharedValues<String, Text> recent;

    CronExecutions(int capacity) {
        this.recent = new SharedValues<>(capacity);
    }

    /**
     * The first wall-clock time after {@code after} that matches {@code text}, read as if the
     * wall clock had no daylight saving; {@code parse} parses the text unless it is among the recent ones.
     */
    Optional<LocalDateTime> next(String text, LocalDateTime after, Function<String, ExecutionTime> parse) {
        Text known = text(text, parse);
        Answer last = known.last;
        if (last != null && last.after.equals(after)) {
            return last.next;
        }
        Optional<LocalDateTime> next = known.execution.nextExecution(after.atZone(ZoneOffset.UTC))
                .map(z -> z.toLocalDateTime());
        known.last = new Answer(after, next);
        return next;
    }

    /** Makes {@code text} one of the recent ones, parsed with {@code parse} unless it already is. */
    void remember(String text, Function<String, ExecutionTime> parse) {
        text(text, parse);
    }

    private Text text(String text, Function<String, ExecutionTime> parse) {
        // Parsed outside the lock; two threads may both parse a text, the results are equal.
        return recent.get(text, key -> new Text(parse.apply(key)));
    }

    int size() {
        return recent.size();
    }

    private static final class Text {
        final ExecutionTime execution;
        volatile Answer last;

        Text(ExecutionTime execution) {
            this.execution = execution;
        }
    }

    private record Answer(LocalDateTime after, Optional<LocalDateTime> next) {}
}
