package io.trainyard.ingress.internal.mlw;

import io.trainyard.ingress.internal.pipeline.Pipelines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline in MLW's style: {@code id, pipelineName, status, failurePolicy, createdAt, endedAt,
 * steps: [{name, dependsOn, status, taskID, runID, runStatus}]}; a step's {@code taskID} and
 * {@code runID} are an ordinary task and run under {@code /tasks}.
 */
final class PipelineView {
    private PipelineView() {}

    static Map<String, Object> of(Pipelines.Loaded loaded) {
        Map<String, String> p = loaded.pipeline();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", p.get("id"));
        view.put("pipelineName", p.get("name"));
        view.put("status", p.get("status"));
        view.put("failurePolicy", p.get("failurePolicy"));
        view.put("createdAt", MlwTime.format(p.get("createdAt")));
        view.put("endedAt", p.containsKey("endedAt") ? MlwTime.format(p.get("endedAt")) : null);
        view.put("createdBy", p.getOrDefault("createdBy", ""));
        List<String> names = loaded.steps();
        Map<String, List<String>> parents = new LinkedHashMap<>();
        names.forEach(n -> parents.put(n, new ArrayList<>()));
        for (String n : names) {
            for (String child : p.getOrDefault("c:" + n, "").split(",")) {
                if (!child.isEmpty()) {
                    parents.get(child).add(n);
                }
            }
        }
        List<Map<String, Object>> steps = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", n);
            step.put("dependsOn", parents.get(n));
            step.put("status", p.get("s:" + n));
            step.put("taskID", p.get("k:" + n));
            step.put("runID", p.get("r:" + n));
            step.put("runStatus", loaded.runStatuses().get(i));
            steps.add(step);
        }
        view.put("steps", steps);
        return view;
    }
}
