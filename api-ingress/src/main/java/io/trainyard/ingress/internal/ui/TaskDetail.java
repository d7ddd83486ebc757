package io.trainyard.ingress.internal.ui;

import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.ingress.TaskStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A task with its runs, newest run first, as the task page shows it. */
public record TaskDetail(Map<String, String> task, List<RunView> runs) {
    static Optional<TaskDetail> load(TaskStore store, String tenant, String taskId) {
        if (!ResourceFiles.isSafeId(taskId)) {
            return Optional.empty();
        }
        return store.task(tenant, taskId).map(task -> {
            List<RunView> runs = new ArrayList<>();
            for (String runId : store.runIds(tenant, taskId)) {
                store.run(tenant, runId).ifPresent(run -> runs.add(0, RunView.of(run, store.output(tenant, runId))));
            }
            return new TaskDetail(task, runs);
        });
    }

    public String field(String name) {
        return task.getOrDefault(name, "");
    }

    public String createdAt() {
        return Times.millis(task.get("createdAt"));
    }

    public boolean active() {
        return runs.stream().anyMatch(RunView::active);
    }
}
