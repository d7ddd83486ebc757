package io.trainyard.common.ops;

/** The fields of a {@link Heartbeat} hash that its readers (the console) know by name. */
public final class BeatFields {
    public static final String VERSION = "version";
    public static final String STARTED_AT = "startedAt";
    /** Worker: slots in all, slots running a job, runs ended since it started. */
    public static final String SLOTS = "slots";
    public static final String BUSY = "busy";
    public static final String JOBS_DONE = "jobsDone";
    /** Scheduler: schedules and partitions of the schedules topic it owns. */
    public static final String SCHEDULES = "schedules";
    public static final String PARTITIONS = "partitions";

    private BeatFields() {}
}
