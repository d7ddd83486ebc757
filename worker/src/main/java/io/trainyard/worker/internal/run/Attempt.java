package io.trainyard.worker.internal.run;

import io.trainyard.common.job.JobMessage;
import io.trainyard.worker.Outcome;
import io.trainyard.worker.internal.retry.RunFailure;

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
        /**
         * Not started yet, the lane keeps the record and tries again: Redis could not be reached,
         * or another worker's lease on the run is about to lapse.
         */
        START_WAITING,
        /** Redis refused the start (a script error): the retry policy decides, on the attempt's thread. */
        START_FAILED,
        /** The kind reached an outcome: the terminal status waits for {@link JobRunner#endAll}. */
        FINISHING,
        /** Over: {@link #verdict()} says what the queue should do with the record. */
        SETTLED
    }

    final JobMessage job;
    /** Identifies this acquisition of the job's record, so that a start retried after a timeout is not a second start. */
    final String startToken;
    /** The job record's value, kept with the run while in flight; null when there is none to keep. */
    final byte[] message;
    int number;
    final RunControl control;
    Stage stage = Stage.NEW;
    long epoch = -1;
    long startedAt;
    RunFailure failure;
    Outcome outcome;
    /** While waiting on another worker's lease: when that lease lapses; 0 while waiting for Redis. */
    long heldUntil;
    private Verdict verdict;

    Attempt(JobMessage job, int number, String startToken, byte[] message, RunControl control) {
        this.job = job;
        this.number = number;
        this.startToken = startToken;
        this.message = message;
        this.control = control;
    }

    public JobMessage job() {
        return job;
    }

    /**
     * 1-based: once started, the run's count of starts (waiting in the queue, or being handed back
     * without a start, spends no attempt).
     */
    public int number() {
        return number;
    }

    /** Whether {@link JobRunner#run(Attempt)} still has to be called. */
    public boolean runs() {
        return stage == Stage.STARTED || stage == Stage.START_FAILED;
    }

    /** Whether the start waits: {@link JobRunner#startAll} is to be called again. */
    public boolean waits() {
        return stage == Stage.START_WAITING;
    }

    /** Whether it waits because Redis could not be reached (rather than for another worker's lease). */
    public boolean waitsForRedis() {
        return stage == Stage.START_WAITING && heldUntil == 0;
    }

    /** Whether its end waits for Redis: it reached an outcome whose terminal status is not recorded yet. */
    public boolean unrecorded() {
        return stage == Stage.FINISHING;
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
