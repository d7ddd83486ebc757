package io.trainyard.worker.run;

import io.trainyard.common.job.JobType;

/**
 * NOOP: runs nothing. Measures the queue itself (benchmarks, canaries), so it stays this cheap: it
 * is quick, so it runs on its lane's thread, right between its batch's start and end.
 */
public final class NoopKind implements JobKind {
    private static final Outcome COMPLETED = Outcome.completed("Completed (no-op)");

    @Override
    public JobType type() {
        return JobType.NOOP;
    }

    @Override
    public Outcome run(RunContext context) {
        return COMPLETED;
    }

    @Override
    public boolean quick() {
        return true;
    }
}
