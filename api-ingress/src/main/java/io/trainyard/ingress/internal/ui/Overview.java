package io.trainyard.ingress.internal.ui;

import io.trainyard.common.json.Json;
import java.util.List;
import java.util.Map;

/**
 * What the Overview page shows: per minute of the last hour, the runs queued, started, finished
 * and failed; what is queued and running now, by worker; and the dead letters waiting.
 * {@code capped} says the hour had more tasks than the page reads (see {@link OverviewStats}).
 */
public record Overview(List<String> minutes, int[] queued, int[] started, int[] finished, int[] failed,
                       int queuedNow, int runningNow, Map<String, Integer> busyByWorker, String deadLetters,
                       int tasksLastHour, boolean capped, String at) {
    /** The series as JSON for the chart (read by console.js from a data attribute). */
    public String chartJson() {
        return Json.writeString(Map.of("minutes", minutes, "queued", queued, "started", started,
                "finished", finished, "failed", failed));
    }

    public int finishedTotal() {
        return sum(finished);
    }

    public int failedTotal() {
        return sum(failed);
    }

    private static int sum(int[] values) {
        int total = 0;
        for (int v : values) {
            total += v;
        }
        return total;
    }
}
