package io.trainyard.worker;

import io.trainyard.common.job.RunStatus;
import io.trainyard.worker.internal.sandbox.ProcessResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of an attempt that ran to a verdict: the terminal status, the message shown on the
 * run, extra run fields (exit code, pid, metrics of a training) and the captured output.
 */
public record Outcome(RunStatus status, String message, Map<String, String> fields, String stdout, String stderr) {
    public Outcome {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException(status + " is not a terminal status");
        }
        fields = Map.copyOf(fields);
    }

    public static Outcome completed(String message) {
        return new Outcome(RunStatus.COMPLETED, message, Map.of(), "", "");
    }

    public static Outcome failed(String message) {
        return new Outcome(RunStatus.FAILED, message, Map.of(), "", "");
    }

    /**
     * The usual reading of a sandboxed process: exit 0 is COMPLETED, any other exit FAILED (a
     * script's own failure is permanent, never retried), the deadline TIMED_OUT, and a stop
     * CANCELLED. {@code timeoutSeconds} names the limit in the message.
     */
    public static Outcome of(ProcessResult result, long timeoutSeconds, Map<String, String> extraFields) {
        Map<String, String> fields = new LinkedHashMap<>(extraFields);
        fields.put("pID", Long.toString(result.pid()));
        fields.put("exitCode", Integer.toString(result.exitCode()));
        return switch (result.ending()) {
            case TIMED_OUT -> new Outcome(RunStatus.TIMED_OUT, "Timed out after " + timeoutSeconds + " s",
                    fields, result.stdout(), result.stderr());
            case STOPPED -> new Outcome(RunStatus.CANCELLED, "Cancelled while running", fields,
                    result.stdout(), result.stderr());
            case EXITED -> result.exitCode() == 0
                    ? new Outcome(RunStatus.COMPLETED, "Completed", fields, result.stdout(), result.stderr())
                    : new Outcome(RunStatus.FAILED, "Script failed with " + result.describeExit(), fields,
                            result.stdout(), result.stderr());
        };
    }
}
