package io.trainyard.worker.testing;

import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunStatus;
import io.trainyard.worker.JobKind;
import io.trainyard.worker.Outcome;
import io.trainyard.worker.RunContext;
import io.trainyard.worker.internal.retry.PermanentFailure;
import io.trainyard.worker.internal.retry.RetryableFailure;
import io.trainyard.worker.internal.retry.RunFailure;
import io.trainyard.worker.internal.run.StopReason;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for NOOP and does what its run id's prefix says, counting each execution (the side
 * effect a test checks): {@code ok-} completes; {@code flaky-} fails retryably on its first attempt;
 * {@code broken-} fails permanently; {@code hold-} waits until {@link #release()}; {@code endless-}
 * waits until its run is stopped (cancel, shutdown).
 */
public final class ScriptedKind implements JobKind {
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final CountDownLatch held = new CountDownLatch(1);

    @Override
    public JobType type() {
        return JobType.NOOP;
    }

    @Override
    public Outcome run(RunContext context) throws RunFailure, InterruptedException {
        String runId = context.job().runId();
        String tenant = context.job().tenant();
        executions.computeIfAbsent(runId, k -> new AtomicInteger()).incrementAndGet();
        if (runId.startsWith("flaky-") && context.attempt() == 1) {
            throw new RetryableFailure(tenant, runId, "transient trouble");
        }
        if (runId.startsWith("broken-")) {
            throw new PermanentFailure(tenant, runId, "no such resource");
        }
        if (runId.startsWith("hold-")) {
            held.await();
        }
        if (runId.startsWith("endless-")) {
            try {
                context.control().stopRequested().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
            return context.control().stopReason() == StopReason.CANCELLED
                    ? new Outcome(RunStatus.CANCELLED, "Cancelled while running", Map.of(), "", "")
                    : Outcome.completed("stopped: " + context.control().stopReason());
        }
        return Outcome.completed("done on attempt " + context.attempt());
    }

    /** Lets every {@code hold-} run complete. */
    public void release() {
        held.countDown();
    }

    /** How often the kind ran {@code runId}. */
    public int executions(String runId) {
        AtomicInteger n = executions.get(runId);
        return n == null ? 0 : n.get();
    }
}
