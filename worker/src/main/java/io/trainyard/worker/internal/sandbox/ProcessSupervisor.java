package io.trainyard.worker.internal.sandbox;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Watches a sandboxed process until it ends: captures its output (bounded), kills its whole
 * process tree at the wall-clock deadline or as soon as a stop is requested, and calls a
 * heartbeat at a fixed interval meanwhile (the run uses it to renew its lease).
 */
public final class ProcessSupervisor {
    /** How long output readers may take to finish after the process is gone. */
    private static final long DRAIN_MILLIS = 2_000;

    private final InstantSource clock;

    public ProcessSupervisor(InstantSource clock) {
        this.clock = clock;
    }

    /** What the supervisor needs from the run while the process is alive. */
    public interface Watch {
        /** Completes when the run must stop now (cancelled, lease lost, worker shutting down). */
        CompletableFuture<?> stopRequested();

        /** Called every {@link #heartbeatInterval()} while the process runs. */
        void heartbeat();

        Duration heartbeatInterval();

        /**
         * Called after a heartbeat with the output kept so far of a stream that grew since the
         * last call (null for one that did not), so it can be shown while the run runs.
         */
        default void output(String stdout, String stderr) {}
    }

    public ProcessResult supervise(Process process, SandboxLimits limits, Watch watch) throws InterruptedException {
        long started = clock.millis();
        long deadline = started + limits.wallClock().toMillis();
        BoundedCapture out = BoundedCapture.of(process.getInputStream(), limits.maxOutputBytes(), "stdout-" + process.pid());
        BoundedCapture err = BoundedCapture.of(process.getErrorStream(), limits.maxOutputBytes(), "stderr-" + process.pid());
        CompletableFuture<Object> endOrStop = CompletableFuture.anyOf(process.onExit(), watch.stopRequested());
        ProcessResult.Ending ending = null;
        try {
            while (ending == null) {
                long now = clock.millis();
                if (now >= deadline) {
                    ending = ProcessResult.Ending.TIMED_OUT;
                    break;
                }
                long wait = Math.min(deadline - now, watch.heartbeatInterval().toMillis());
                try {
                    endOrStop.get(Math.max(1, wait), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    watch.heartbeat();
                    watch.output(out.ifGrown(), err.ifGrown());
                } catch (ExecutionException e) {
                    // Neither future completes exceptionally in practice; treat it as a stop.
                    ending = ProcessResult.Ending.STOPPED;
                }
                if (ending == null && !process.isAlive()) {
                    ending = ProcessResult.Ending.EXITED;
                } else if (ending == null && watch.stopRequested().isDone()) {
                    ending = ProcessResult.Ending.STOPPED;
                }
            }
        } finally {
            if (process.isAlive() || process.toHandle().descendants().findAny().isPresent()) {
                ProcessTree.kill(process.toHandle());
            }
        }
        int exit = process.waitFor();
        String stdout = out.text(DRAIN_MILLIS);
        String stderr = err.text(DRAIN_MILLIS);
        return new ProcessResult(ending, exit, process.pid(), stdout, stderr,
                Duration.ofMillis(clock.millis() - started));
    }
}
