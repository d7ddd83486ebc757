package io.trainyard.worker.run;

import io.trainyard.common.job.JobMessage;
import io.trainyard.worker.retry.RunFailure;

/**
 * One attempt at a run on its way through the worker: started together with the rest of its
 * batch ({@link JobRunner#startAll}), run on a thread of its own ({@link JobRunner#run(Attempt)}),
 * and ended together with whatever else ended meanwhile ({@link JobRunner#endAll}), which writes
 * its terminal status. Each step happens-before the next (the lane hands it over through a queue).
 */
public final class Attempt {
    enum Stage {
        /** Not started yet. */
        NEW,
        /** Holds a fresh epoch: the kind has to run. */
        STARTED,
        /** The start could not be recorded: the retry policy decides, on the attempt's thread. */
        START_FAILED,
        /** The kind reached an outcome: the terminal status waits for {@link JobRunner#endAll}. */
        FINISHING,
        /** Over: {@link #verdict()} says what the queue should do with the record. */
        SETTLED
    }

    final JobMessage job;
    final int number;
    final RunControl control;
    Stage stage = Stage.NEW;
    long epoch = -1;
    long startedAt;
    RunFailure failure;
    Outcome outcome;
    private Verdict verdict;

    Attempt(JobMessage job, int number, RunControl control) {
        this.job = job;
        this.number = number;
        this.control = control;
    }

    public JobMessage job() {
        return job;
    }

    /** 1-based, counting every delivery of the job. */
    public int number() {
        return number;
    }

    /** Whether {@link JobRunner#run(Attempt)} still has to be called. */
    public boolean runs() {
        return stage == Stage.STARTED || stage == Stage.START_FAILED;
    }

    /** What the queue should do with the job's record; null until the attempt is over. */
    public Verdict verdict() {
        return verdict;
    }

    void settle(Verdict verdict) {
        this.verdict = verdict;
        this.stage = Stage.SETTLED;
    }
}
