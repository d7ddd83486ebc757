package io.trainyard.worker.internal.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefixes a command with {@code prlimit}, so the limits are set before the sandbox's first
 * process runs and every descendant inherits them (soft and hard limit alike: user code cannot
 * raise them again).
 */
final class ResourceLimiter {
    static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    private ResourceLimiter() {}

    static boolean available() {
        return Files.isExecutable(PRLIMIT);
    }

    /** {@code ownProcesses}: processes the sandbox itself adds to the run's count. */
    static List<String> prefix(SandboxLimits limits, int ownProcesses) {
        List<String> args = new ArrayList<>();
        args.add(PRLIMIT.toString());
        args.add("--cpu=" + limits.cpuSeconds());
        args.add("--as=" + limits.addressSpaceBytes());
        args.add("--fsize=" + limits.maxFileBytes());
        args.add("--nofile=" + SandboxLimits.MAX_OPEN_FILES);
        args.add("--core=0");
        if (limits.maxProcesses() > 0) {
            args.add("--nproc=" + (limits.maxProcesses() + ownProcesses));
        }
        args.add("--");
        return args;
    }
}
