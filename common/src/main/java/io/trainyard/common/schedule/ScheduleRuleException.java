package io.trainyard.common.schedule;

import io.trainyard.common.TrainyardException;

/**
 * A schedule that cannot be accepted: names the request field at fault, whether it was missing
 * or invalid, and what is wrong with it, so an API can answer 400/422 in its own dialect without
 * parsing the message. Permanent: sending the same input again fails the same way.
 */
public final class ScheduleRuleException extends TrainyardException {
    /** What is wrong with the field. */
    public enum Problem { MISSING, INVALID }

    private final String field;
    private final String reason;
    private final Problem problem;

    /** An invalid field. */
    public ScheduleRuleException(String field, String reason) {
        this(Problem.INVALID, field, reason);
    }

    private ScheduleRuleException(Problem problem, String field, String reason) {
        super(Kind.PERMANENT, field + ": " + reason, null);
        this.field = field;
        this.reason = reason;
        this.problem = problem;
    }

    /** A field that is required and was not given; {@code reason} starts "is required". */
    public static ScheduleRuleException missing(String field, String reason) {
        return new ScheduleRuleException(Problem.MISSING, field, reason);
    }

    /** The request field at fault, e.g. {@code cronExpression}, {@code timeZone}, {@code next_run}. */
    public String field() {
        return field;
    }

    /** What is wrong, in a sentence fit for an API error body. */
    public String reason() {
        return reason;
    }

    public Problem problem() {
        return problem;
    }
}
