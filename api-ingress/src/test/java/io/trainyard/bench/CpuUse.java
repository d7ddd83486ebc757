package io.trainyard.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time each part of the cluster spends during a workload (Kafka broker, redis-server, the
 * worker processes together, this driver), from /proc: where the box's cores go per job.
 */
final class CpuUse {
    private final Map<String, List<Long>> pids = new LinkedHashMap<>();
    private final Map<String, Long> start = new LinkedHashMap<>();

    private CpuUse() {}

    static CpuUse start(WorkerPool pool) {
        CpuUse use = new CpuUse();
        use.pids.put("broker", pidList(ProcessMemory.childPid("kafka.Kafka")));
        use.pids.put("redis", pidList(ProcessMemory.childPid("redis-server")));
        use.pids.put("workers", pool.pids());
        use.pids.put("driver", List.of(ProcessHandle.current().pid()));
        use.pids.forEach((name, list) -> use.start.put(name, total(list)));
        return use;
    }

    /** Milliseconds of CPU per part since {@link #start}. */
    Map<String, Long> since() {
        Map<String, Long> used = new LinkedHashMap<>();
        pids.forEach((name, list) -> used.put(name, total(list) - start.get(name)));
        return used;
    }

    /** "CPU ms per 1,000 jobs: broker 120, redis 40, workers 900, driver 30". */
    static String perThousand(Map<String, Long> used, long jobs) {
        StringBuilder out = new StringBuilder("CPU ms per 1,000 jobs:");
        used.forEach((name, ms) -> out.append(' ').append(name).append(' ')
                .append(Report.count(ms * 1000.0 / Math.max(1, jobs))).append(','));
        out.setLength(out.length() - 1);
        return out.toString();
    }

    private static List<Long> pidList(Optional<Long> pid) {
        return pid.map(List::of).orElse(List.of());
    }

    private static long total(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += Math.max(0, ProcessMemory.cpuMillis(pid));
        }
        return sum;
    }
}
