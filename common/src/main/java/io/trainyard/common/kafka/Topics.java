package io.trainyard.common.kafka;

import io.trainyard.common.job.JobType;

/** The topic names every service agrees on. */
public final class Topics {
    public static final String SCRIPT_JOBS = "trainyard.jobs.script";
    public static final String TRAINING_JOBS = "trainyard.jobs.training";
    public static final String SCHEDULES = "trainyard.schedules";
    public static final String DLQ = "trainyard.jobs.dlq";

    /** The share group every worker of a pool joins. */
    public static final String WORKER_GROUP = "trainyard-workers";
    /** The classic consumer group scheduler instances share. */
    public static final String SCHEDULER_GROUP = "trainyard-schedulers";

    private Topics() {}

    public static String jobsTopicFor(JobType type) {
        return type == JobType.WORKFLOW ? TRAINING_JOBS : SCRIPT_JOBS;
    }
}
