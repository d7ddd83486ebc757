package io.trainyard.common.schedule;

/**
 * A schedule that cannot be accepted: names the request field at fault and what is wrong with
 * it, so an API can answer 400/422 in its own dialect without parsing the message. Permanent:
 * sending the same input again fails the same way.
 */
public final class ScheduleRuleException extends IllegalArgumentException {
    private final String field;
    private final String reason;

    public ScheduleRuleException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** The request field at fault, e.g. {@code cronExpression}, {@code timeZone}, {@code next_run}. */
    public String field() {
        return field;
    }

    /** What is wrong, in a sentence fit for an API error body. */
    public String reason() {
        return reason;
    }
}
