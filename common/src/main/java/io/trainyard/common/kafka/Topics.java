package io.trainyard.common.kafka;

import io.trainyard.common.job.JobType;
import io.trainyard.common.job.Priority;
import java.util.ArrayList;
import java.util.List;

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

    /** The jobs topic of {@code type} at {@code priority}: normal jobs keep the plain topic, others get a suffix. */
    public static String jobsTopicFor(JobType type, Priority priority) {
        return withPriority(jobsTopicFor(type), priority);
    }

    /** {@code topic} (a normal-priority jobs topic) at {@code priority}. */
    public static String withPriority(String topic, Priority priority) {
        return priority == Priority.NORMAL ? topic : topic + "." + priority.wire();
    }

    /** The priority a jobs topic carries, by its suffix. */
    public static Priority priorityOf(String topic) {
        for (Priority p : List.of(Priority.HIGH, Priority.LOW)) {
            if (topic.endsWith("." + p.wire())) {
                return p;
            }
        }
        return Priority.NORMAL;
    }

    /**
     * Each of {@code topics} with, for Trainyard's own jobs topics, their high and low priority
     * topics, highest priority first; any other topic stays as it is (normal priority).
     */
    public static List<String> withPriorities(List<String> topics) {
        List<String> all = new ArrayList<>();
        for (Priority p : Priority.values()) {
            for (String topic : topics) {
                boolean ours = topic.equals(SCRIPT_JOBS) || topic.equals(TRAINING_JOBS);
                if (p == Priority.NORMAL || ours) {
                    all.add(withPriority(topic, p));
                }
            }
        }
        return all;
    }
}
