package io.trainyard.worker.internal.run;

import io.trainyard.common.job.JobType;
import io.trainyard.worker.JobKind;
import io.trainyard.worker.Outcome;
import io.trainyard.worker.RunContext;
import io.trainyard.worker.internal.retry.PermanentFailure;

/** Stands in for a type no provider supplied: such a job fails at once with a clear message. */
final class UnavailableKind implements JobKind {
    private final JobType type;

    UnavailableKind(JobType type) {
        this.type = type;
    }

    @Override
    public JobType type() {
        return type;
    }

    @Override
    public Outcome run(RunContext context) throws PermanentFailure {
        throw new PermanentFailure(context.job().tenant(), context.job().runId(),
                "this worker has no executor for " + type + " jobs");
    }
}
