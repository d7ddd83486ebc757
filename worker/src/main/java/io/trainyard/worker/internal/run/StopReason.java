package io.trainyard.worker.internal.run;

/** Why a run was stopped before its process ended by itself. */
public enum StopReason {
    /** A user cancelled it: it ends CANCELLED. */
    CANCELLED,
    /** Another attempt took a newer fencing epoch (or the run was deleted): this attempt writes nothing more. */
    LEASE_LOST,
    /** This worker is shutting down and its grace period is over: the job goes back to the queue. */
    SHUTDOWN
}
