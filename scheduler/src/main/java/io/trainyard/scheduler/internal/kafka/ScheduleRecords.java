package io.trainyard.scheduler.internal.kafka;

import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.schedule.ScheduleRuleException;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads records of {@code trainyard.schedules}: a definition, or empty for a tombstone or a bad record. */
final class ScheduleRecords {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRecords.class);

    private ScheduleRecords() {}

    /** The definition a record holds; empty when the key is deleted (tombstone) or unreadable. */
    static Optional<ScheduleDefinition> read(ConsumerRecord<String, byte[]> record, Runnable onInvalid) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ScheduleDefinition.fromJson(record.value()));
        } catch (ScheduleRuleException e) {
            // A record this version cannot read replaces whatever the key held before: the
            // schedule stops rather than firing an outdated definition.
            LOG.error("schedule record {} at {}-{}@{} is invalid and is ignored: {}", record.key(),
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            onInvalid.run();
            return Optional.empty();
        }
    }
}
