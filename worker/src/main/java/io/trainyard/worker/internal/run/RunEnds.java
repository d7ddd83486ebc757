package io.trainyard.worker.internal.run;

import io.trainyard.common.job.JobMessage;
import java.util.List;

/** Told of jobs whose runs ended (or were found ended) on this worker: where a pipeline's next steps start. */
@FunctionalInterface
public interface RunEnds {
    RunEnds NONE = jobs -> {};

    /** Called after the terminal writes; must not throw for a failure of its own (it may log). */
    void ended(List<JobMessage> jobs);
}
