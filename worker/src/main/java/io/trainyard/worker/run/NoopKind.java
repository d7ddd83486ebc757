package io.trainyard.worker.run;

import io.trainyard.common.job.JobType;

/** NOOP: runs nothing. Measures the queue itself (benchmarks, canaries), so it stays this cheap. */
public final class NoopKind implements JobKind {
    @Override
    public JobType type() {
        return JobType.NOOP;
    }

    @Override
    public Outcome run(RunContext context) {
        return Outcome.completed("Completed (no-op)");
    }
}
