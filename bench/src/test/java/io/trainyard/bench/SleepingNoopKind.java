package io.trainyard.bench;

import io.trainyard.common.job.JobType;
import io.trainyard.worker.JobKind;
import io.trainyard.worker.Outcome;
import io.trainyard.worker.RunContext;

/**
 * The scale-out workload's job: a NOOP that takes a fixed time, standing in for short real work
 * without the cost of starting Python. Only the benchmark's worker processes run it
 * ({@link SleepingWorkerMain}); a normal worker's NOOP returns at once.
 */
final class SleepingNoopKind implements JobKind {
    private final long millis;

    SleepingNoopKind(long millis) {
        this.millis = millis;
    }

    @Override
    public JobType type() {
        return JobType.NOOP;
    }

    @Override
    public Outcome run(RunContext context) throws InterruptedException {
        Thread.sleep(millis);
        return Outcome.completed("Completed (no-op, slept " + millis + " ms)");
    }
}
