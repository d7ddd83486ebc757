package io.trainyard.worker.internal.run;

/** What the queue should do with a job's record once an attempt is over. */
public sealed interface Verdict {
    /** The run reached a terminal status (or was never this worker's to run): acknowledge it. */
    record Done() implements Verdict {}

    /** Try again later: hand the record back to the queue. */
    record Retry() implements Verdict {}

    /** Retries are exhausted: the run is FAILED; publish the job to the dead-letter topic, then acknowledge. */
    record DeadLetter(String reason, int attempts) implements Verdict {}

    Verdict DONE = new Done();
    Verdict RETRY = new Retry();
}
