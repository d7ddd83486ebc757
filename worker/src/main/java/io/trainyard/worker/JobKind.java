package io.trainyard.worker;

import io.trainyard.common.job.JobType;
import io.trainyard.worker.internal.retry.RunFailure;
import io.trainyard.worker.internal.run.RunEnvironment;

/**
 * How one {@link JobType} is executed. The worker picks the kind by the job's type; CODE and NOOP
 * are built in, WORKFLOW comes from a {@link Provider} found with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services/io.trainyard.worker.JobKind$Provider} entry), so a kind can be
 * added without touching the worker's composition root.
 *
 * <p>A kind returns an {@link Outcome} for every verdict about the user's work (a script that
 * exits non-zero is a FAILED outcome, not an exception), throws {@link
 * io.trainyard.worker.internal.retry.RetryableFailure} for a failure of the machinery that another attempt
 * may not meet, and {@link io.trainyard.worker.internal.retry.PermanentFailure} for one it would. When
 * {@link RunContext#control()} reports a stop, it ends its processes and returns promptly.
 */
public interface JobKind {
    JobType type();

    Outcome run(RunContext context) throws RunFailure, InterruptedException;

    /**
     * True for a kind whose {@link #run} returns at once and never blocks (NOOP): the worker then
     * runs it on the thread that started its batch instead of a virtual thread of its own.
     */
    default boolean quick() {
        return false;
    }

    /** Creates a kind from the worker's shared services; listed in META-INF/services. */
    interface Provider {
        JobKind create(RunEnvironment environment);
    }
}
