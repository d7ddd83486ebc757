package io.trainyard.ingress.internal.pipeline;

import io.trainyard.ingress.internal.http.ApiException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The steps of a pipeline as a checked graph: at least one step, names unique and id-shaped,
 * every parent a step of the document, no cycle. Each problem is a 400 naming the step.
 */
public final class PipelineGraph {
    /** Steps a pipeline may have. */
    public static final int MAX_STEPS = 10_000;
    private static final Pattern STEP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Map<String, PipelineStep> steps;
    private final Map<String, List<String>> children;

    private PipelineGraph(Map<String, PipelineStep> steps, Map<String, List<String>> children) {
        this.steps = steps;
        this.children = children;
    }

    public static PipelineGraph of(List<PipelineStep> list) {
        if (list.isEmpty()) {
            throw ApiException.invalid("steps", "a pipeline needs at least one step");
        }
        if (list.size() > MAX_STEPS) {
            throw ApiException.invalid("steps", "a pipeline has at most " + MAX_STEPS + " steps");
        }
        Map<String, PipelineStep> steps = new LinkedHashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (PipelineStep step : list) {
            checkName(step.name());
            if (steps.putIfAbsent(step.name(), step) != null) {
                throw ApiException.invalid("steps", "duplicate step name '" + step.name() + "'");
            }
            children.put(step.name(), new ArrayList<>());
        }
        for (PipelineStep step : list) {
            Set<String> seen = new HashSet<>();
            for (String parent : step.dependsOn()) {
                if (!steps.containsKey(parent)) {
                    throw ApiException.invalid("dependsOn", "step '" + step.name() + "' depends on unknown step '"
                            + parent + "'");
                }
                if (!seen.add(parent)) {
                    throw ApiException.invalid("dependsOn", "step '" + step.name() + "' names '" + parent + "' twice");
                }
                children.get(parent).add(step.name());
            }
        }
        PipelineGraph graph = new PipelineGraph(steps, children);
        graph.refuseCycles();
        return graph;
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.missing("name", "every step needs a name");
        }
        if (!STEP_NAME.matcher(name).matches() || name.contains("..")) {
            throw ApiException.invalid("name", "step name '" + name
                    + "' must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit, without '..'");
        }
    }

    /** Kahn's algorithm; the steps left over lie on or behind a cycle, and one cycle among them is named. */
    private void refuseCycles() {
        Map<String, Integer> pending = new HashMap<>();
        Deque<String> free = new ArrayDeque<>();
        steps.values().forEach(s -> {
            pending.put(s.name(), s.dependsOn().size());
            if (s.dependsOn().isEmpty()) {
                free.add(s.name());
            }
        });
        int done = 0;
        while (!free.isEmpty()) {
            String step = free.poll();
            done++;
            for (String child : children.get(step)) {
                if (pending.merge(child, -1, Integer::sum) == 0) {
                    free.add(child);
                }
            }
        }
        if (done < steps.size()) {
            throw ApiException.invalid("dependsOn", "steps " + String.join(" -> ", cycle(pending)) + " form a cycle");
        }
    }

    /** Walks parents among the steps left over until one repeats: that stretch is a cycle. */
    private List<String> cycle(Map<String, Integer> pending) {
        String at = pending.entrySet().stream().filter(e -> e.getValue() > 0).findFirst().orElseThrow().getKey();
        List<String> path = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        while (!index.containsKey(at)) {
            index.put(at, path.size());
            path.add(at);
            at = steps.get(at).dependsOn().stream().filter(p -> pending.get(p) > 0).findFirst().orElseThrow();
        }
        List<String> cycle = new ArrayList<>(path.subList(index.get(at), path.size()));
        java.util.Collections.reverse(cycle);
        // Named from the step that comes first in the document, so the same cycle reads the same.
        List<String> order = new ArrayList<>(steps.keySet());
        int first = 0;
        for (int i = 1; i < cycle.size(); i++) {
            if (order.indexOf(cycle.get(i)) < order.indexOf(cycle.get(first))) {
                first = i;
            }
        }
        java.util.Collections.rotate(cycle, -first);
        cycle.add(cycle.getFirst());
        return cycle;
    }

    /** The steps in document order. */
    public List<PipelineStep> steps() {
        return List.copyOf(steps.values());
    }

    public List<String> children(String step) {
        return children.get(step);
    }

    public int size() {
        return steps.size();
    }
}
