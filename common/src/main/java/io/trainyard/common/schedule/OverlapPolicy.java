package io.trainyard.common.schedule;

import java.util.Locale;

/** What a fire does while an earlier run of the same task is still QUEUED or RUNNING. */
public enum OverlapPolicy {
    /** Skip this fire and record it on the task ({@code skippedFires}). The default. */
    SKIP,
    /** Queue a run anyway: runs of the task may overlap. */
    ALLOW,
    /**
     * Hold this one fire until the earlier run ends, then queue it; fires that come due while one
     * is held are skipped. At most one run waits behind the running one.
     */
    QUEUE_ONE;

    public static final OverlapPolicy DEFAULT = SKIP;
    static final String FIELD = "overlap";

    /** SKIP, ALLOW or QUEUE_ONE (any case); null or blank is the default. */
    public static OverlapPolicy parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ScheduleRuleException(FIELD, "'" + text + "' is not one of SKIP, ALLOW, QUEUE_ONE");
        }
    }
}
