package io.trainyard.bench;

import io.trainyard.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's results: the rows of the printed table (workload, metric, value, target,
 * note) and, for the JSON file, every figure as a number under its workload.
 */
final class Report {
    record Row(String workload, String metric, String value, String target, String note) {}

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Map<String, Object>> figures = new LinkedHashMap<>();

    void header(String key, Object value) {
        header.put(key, value);
    }

    void row(String workload, String metric, String value, String target, String note) {
        rows.add(new Row(workload, metric, value, target == null ? "" : target, note == null ? "" : note));
    }

    void figure(String workload, String key, Object value) {
        figures.computeIfAbsent(workload, k -> new LinkedHashMap<>()).put(key, value);
    }

    Object figureOf(String workload, String key) {
        Map<String, Object> of = figures.get(workload);
        return of == null ? null : of.get(key);
    }

    String table() {
        String[] titles = {"workload", "metric", "value", "target", "note"};
        int[] width = new int[titles.length];
        for (int i = 0; i < titles.length; i++) {
            width[i] = titles[i].length();
        }
        for (Row r : rows) {
            String[] cells = cells(r);
            for (int i = 0; i < cells.length; i++) {
                width[i] = Math.max(width[i], cells[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        header.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        line(out, titles, width);
        String[] rule = new String[titles.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        line(out, rule, width);
        String last = null;
        for (Row r : rows) {
            String[] cells = cells(r);
            if (cells[0].equals(last)) {
                cells[0] = "";
            } else {
                last = cells[0];
            }
            line(out, cells, width);
        }
        return out.toString();
    }

    void writeJson(Path file) {
        Map<String, Object> json = new LinkedHashMap<>(header);
        json.put("results", figures);
        List<Map<String, String>> table = new ArrayList<>();
        for (Row r : rows) {
            table.add(Map.of("workload", r.workload(), "metric", r.metric(), "value", r.value(),
                    "target", r.target(), "note", r.note()));
        }
        json.put("table", table);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String[] cells(Row r) {
        return new String[] {r.workload(), r.metric(), r.value(), r.target(), r.note()};
    }

    private static void line(StringBuilder out, String[] cells, int[] width) {
        for (int i = 0; i < cells.length; i++) {
            boolean number = i == 2;
            String cell = cells[i];
            String pad = " ".repeat(width[i] - cell.length());
            out.append(number ? pad + cell : cell + (i == cells.length - 1 ? "" : pad));
            if (i < cells.length - 1) {
                out.append("  ");
            }
        }
        out.append('\n');
    }

    /** 12,345 */
    static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    /** 1.23 ms */
    static String millis(double value) {
        return value < 0 ? "n/a" : String.format(Locale.ROOT, value < 10 ? "%.2f ms" : "%,.1f ms", value);
    }

    /** 123.4 MiB */
    static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,.1f MiB", bytes / 1048576.0);
    }

    static String load(double before, double after) {
        return String.format(Locale.ROOT, "load %.1f->%.1f", before, after);
    }
}
