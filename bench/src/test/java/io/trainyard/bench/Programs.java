package io.trainyard.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** The programs a workload runs beside Trainyard's own (node, redis-benchmark), looked up as a shell would. */
final class Programs {
    private Programs() {}

    /** Whether {@code program} is an executable file in a directory of PATH. */
    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
