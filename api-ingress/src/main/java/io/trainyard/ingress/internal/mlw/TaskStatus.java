package io.trainyard.ingress.internal.mlw;

import io.trainyard.common.job.RunRecord;
import io.trainyard.ingress.internal.submit.TaskRecords;
import java.util.List;
import java.util.Map;

/**
 * A parent task's status, derived from its runs: RUNNING while one is queued or running, else
 * SCHEDULED for a recurring task and for a one-time task waiting for its start, EXECUTED once a one-time task's run ended, NOT SCHEDULED when
 * it has no run at all (one whose runs all expired was EXECUTED).
 *
 * <p>A one-time CODE task is EXECUTED as soon as it has a run: seed 001 answers the execute of a
 * ONE_TIME script with status EXECUTED over a RUNNING run, while seed 000 answers the workflow
 * training with RUNNING. Each seed is the contract of its own endpoint, so a script's parent
 * says it was handed to execution and a workflow's says it is still training; the run carries
 * the script's progress.
 */
final class TaskStatus {
    static final String RUNNING = "RUNNING";
    static final String SCHEDULED = "SCHEDULED";
    static final String EXECUTED = "EXECUTED";
    static final String NOT_SCHEDULED = "NOT SCHEDULED";

    private TaskStatus() {}

    /** {@code expiredRuns}: runs the task lists whose records expired; a one-time task with one ran. */
    static String of(Map<String, String> task, List<Map<String, String>> runs, int expiredRuns) {
        boolean oneTimeScript = "CODE".equals(task.get("type")) && !"REPEAT".equals(task.get("recurrence"));
        if (oneTimeScript && !(runs.isEmpty() && expiredRuns == 0)) {
            return EXECUTED;
        }
        for (Map<String, String> run : runs) {
            String status = run.get(RunRecord.STATUS);
            if ("QUEUED".equals(status) || "RUNNING".equals(status)) {
                return RUNNING;
            }
        }
        if ("REPEAT".equals(task.get("recurrence")) || (runs.isEmpty() && expiredRuns == 0 && held(task))) {
            return SCHEDULED;
        }
        return runs.isEmpty() && expiredRuns == 0 ? NOT_SCHEDULED : EXECUTED;
    }

    /** A ONE_TIME task the scheduler holds until its start (it has a schedule until it fired). */
    static boolean held(Map<String, String> task) {
        return task.containsKey(TaskRecords.HELD_UNTIL);
    }

    static boolean isActive(List<Map<String, String>> runs) {
        return runs.stream().anyMatch(r -> "QUEUED".equals(r.get(RunRecord.STATUS)) || "RUNNING".equals(r.get(RunRecord.STATUS)));
    }
}
