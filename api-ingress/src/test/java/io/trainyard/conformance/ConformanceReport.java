package io.trainyard.conformance;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the suite found, printed once at the end: each example's verdict, each field Trainyard
 * adds beyond a seed listed once (with the examples it showed in), the known differences with
 * their findings, and the choices made where seeds disagree.
 */
final class ConformanceReport {
    private final List<String> verdicts = new ArrayList<>();
    private final Map<String, Set<String>> extras = new TreeMap<>();
    private final Map<String, List<String>> known = new TreeMap<>();
    private final Set<String> choices = new TreeSet<>();

    synchronized void record(Golden golden, ShapeComparison.Result result, String knownReason) {
        String verdict = result.matches() ? "matches" : knownReason != null ? "KNOWN DIFFERENCE" : "DIFFERS";
        verdicts.add(String.format("%-40s %-17s %s", golden.id(), verdict, golden.example()));
        for (String extra : result.extras()) {
            extras.computeIfAbsent("seed " + golden.id().substring(0, 3) + " " + extra, k -> new TreeSet<>())
                    .add(golden.id().substring(4));
        }
        if (knownReason != null) {
            List<String> lines = new ArrayList<>();
            lines.add(knownReason);
            if (result.matches()) {
                lines.add("it matches now: remove its entry from KnownDifferences");
            }
            result.differences().forEach(d -> lines.add("  " + d));
            known.put(golden.id(), lines);
        }
        golden.choices().forEach(c -> choices.add(golden.id() + ": " + c));
    }

    synchronized void print(PrintStream out) {
        out.println("CONFORMANCE report");
        verdicts.forEach(v -> out.println("  " + v));
        out.println("Fields Trainyard adds beyond the seeds (allowed), each once:");
        extras.forEach((field, examples) -> out.println("  " + field + "   (" + String.join(", ", examples) + ")"));
        out.println("Known differences (reported, not failed):");
        known.forEach((id, lines) -> {
            out.println("  " + id + ": " + lines.get(0));
            lines.subList(1, lines.size()).forEach(l -> out.println("    " + l));
        });
        out.println("Choices where seeds disagree:");
        choices.forEach(c -> out.println("  " + c));
    }
}
