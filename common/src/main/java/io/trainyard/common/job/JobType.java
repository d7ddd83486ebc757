package io.trainyard.common.job;

/** What a job runs. */
public enum JobType {
    /** A Python script resource, run in the sandbox. */
    CODE,
    /** A training workflow: dataset, preprocessing script, model search. */
    WORKFLOW,
    /** Runs no user code: the canary and the benchmark's no-op job. */
    NOOP
}
