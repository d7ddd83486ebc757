package io.trainyard.chaos;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A scenario's figures (jobs, kills, lost, duplicates, ...), printed to standard output as one
 * line starting with {@code CHAOS}, so a test run's figures can be collected with grep.
 */
final class Figures {
    private final String scenario;
    private final long startedAt = System.nanoTime();
    private final Map<String, Object> values = new LinkedHashMap<>();

    Figures(String scenario) {
        this.scenario = scenario;
    }

    Figures put(String name, Object value) {
        values.put(name, value);
        return this;
    }

    String line() {
        StringJoiner out = new StringJoiner(" ", "CHAOS " + scenario + ": ", "");
        values.forEach((name, value) -> out.add(name + "=" + value));
        out.add("seconds=" + (System.nanoTime() - startedAt) / 1_000_000_000L);
        return out.toString();
    }

    /** Prints the figures; call it before asserting, so a failing run still shows them. */
    void print() {
        System.out.println(line());
        System.out.flush();
    }
}
