package io.trainyard.worker.internal.run;

import io.trainyard.common.job.JobType;
import io.trainyard.worker.JobKind;
import io.trainyard.worker.Outcome;
import io.trainyard.worker.RunContext;

/**
 * NOOP: runs nothing. Measures the queue itself (benchmarks, canaries), so it stays this cheap: it
 * is quick, so it runs on its lane's thread, right between its batch's start and end.
 */
final class NoopKind implements JobKind {
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
