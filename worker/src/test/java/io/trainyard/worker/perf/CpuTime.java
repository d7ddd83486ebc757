package io.trainyard.worker.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time (user + system, from /proc) of this process and its children — the broker, the
 * redis-server and the worker — so a figure can be read per job whatever else the machine runs.
 */
final class CpuTime {
    private static final double MS_PER_TICK = 10; // USER_HZ is 100 on Linux

    private final Map<String, Long> ticks;

    private CpuTime(Map<String, Long> ticks) {
        this.ticks = ticks;
    }

    /** Now, by role: worker (the given pid), broker (the other java child), redis, and this harness. */
    static CpuTime now(long workerPid) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put("worker", ticks(workerPid));
        ProcessHandle.current().descendants().forEach(p -> {
            String command = p.info().command().orElse("");
            if (p.pid() == workerPid) {
                return;
            }
            if (command.contains("redis")) {
                ticks.merge("redis", ticks(p.pid()), Long::sum);
            } else if (command.endsWith("java")) {
                ticks.merge("broker", ticks(p.pid()), Long::sum);
            }
        });
        ticks.put("harness", ticks(ProcessHandle.current().pid()));
        return new CpuTime(ticks);
    }

    /** CPU milliseconds per 1,000 jobs of each role since {@code before}. */
    String perThousandSince(CpuTime before, int jobs) {
        StringBuilder out = new StringBuilder("CPU ms per 1,000 jobs:");
        ticks.forEach((role, t) -> out.append(String.format(" %s %.0f", role,
                (t - before.ticks.getOrDefault(role, 0L)) * MS_PER_TICK * 1000.0 / jobs)));
        return out.toString();
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
