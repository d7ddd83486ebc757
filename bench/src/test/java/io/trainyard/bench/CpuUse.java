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
    private long machineStart;
    private long loadGeneratorStart = -1;

    private CpuUse() {}

    static CpuUse start(WorkerPool pool) {
        return start(Map.of("workers", pool.pids()), false);
    }

    /**
     * Starts counting the broker, redis-server, the given processes and this driver; with
     * {@code restOfMachine}, also what every other process of the machine used (a load generator).
     */
    static CpuUse start(Map<String, List<Long>> services, boolean restOfMachine) {
        CpuUse use = new CpuUse();
        use.pids.put("broker", pidList(ProcessMemory.childPid("kafka.Kafka")));
        use.pids.put("redis", pidList(ProcessMemory.childPid("redis-server")));
        use.pids.putAll(services);
        use.pids.put("driver", List.of(ProcessHandle.current().pid()));
        use.pids.forEach((name, list) -> use.start.put(name, total(list)));
        use.machineStart = restOfMachine ? ProcessMemory.machineBusyMillis() : -1;
        return use;
    }

    /**
     * Also counts, as "wrk", the CPU of the load generator this driver starts, runs to its end
     * and waits for in the meantime (its CPU is read from this JVM's reaped children).
     */
    CpuUse withLoadGenerator() {
        loadGeneratorStart = ProcessMemory.reapedChildrenCpuMillis();
        return this;
    }

    /** Milliseconds of CPU per part since {@link #start}. */
    Map<String, Long> since() {
        Map<String, Long> used = new LinkedHashMap<>();
        pids.forEach((name, list) -> used.put(name, total(list) - start.get(name)));
        if (loadGeneratorStart >= 0) {
            used.put("wrk", Math.max(0, ProcessMemory.reapedChildrenCpuMillis() - loadGeneratorStart));
        }
        if (machineStart >= 0) {
            long parts = used.values().stream().mapToLong(Long::longValue).sum();
            used.put("rest of machine", Math.max(0, ProcessMemory.machineBusyMillis() - machineStart - parts));
        }
        return used;
    }

    /** "CPU us per request: ingress 120, broker 40, ...". */
    static String microsEach(Map<String, Long> used, long count, String what) {
        StringBuilder out = new StringBuilder("CPU us per " + what + ":");
        used.forEach((name, ms) -> out.append(' ').append(name).append(' ')
                .append(Report.count(ms * 1000.0 / Math.max(1, count))).append(','));
        out.setLength(out.length() - 1);
        return out.toString();
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
