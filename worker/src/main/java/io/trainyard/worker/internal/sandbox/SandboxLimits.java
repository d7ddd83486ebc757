package io.trainyard.worker.internal.sandbox;

import java.time.Duration;

/**
 * What one run may use. Wall-clock time is enforced by the supervisor (it kills the process tree);
 * the rest are resource limits set on the sandbox's first process and inherited by every child.
 *
 * @param wallClock time from start until the whole process tree is killed
 * @param cpuSeconds CPU time per process (RLIMIT_CPU)
 * @param addressSpaceBytes virtual memory per process (RLIMIT_AS)
 * @param maxProcesses processes and threads (RLIMIT_NPROC); 0 leaves it unset
 * @param maxFileBytes size of any file a process writes (RLIMIT_FSIZE)
 * @param maxOutputBytes bytes of stdout and of stderr kept; the rest is dropped behind a marker
 */
public record SandboxLimits(Duration wallClock, long cpuSeconds, long addressSpaceBytes, int maxProcesses,
                            long maxFileBytes, int maxOutputBytes) {
    public static final int MAX_OPEN_FILES = 256;

    public SandboxLimits {
        if (wallClock.isNegative() || wallClock.isZero()) {
            throw new IllegalArgumentException("wallClock must be positive");
        }
        if (cpuSeconds < 1 || addressSpaceBytes < 1 || maxFileBytes < 1 || maxOutputBytes < 1 || maxProcesses < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** The same limits with another wall-clock bound (CPU time follows it). */
    public SandboxLimits withWallClock(Duration value) {
        return new SandboxLimits(value, Math.max(1, value.toSeconds() + 1), addressSpaceBytes, maxProcesses,
                maxFileBytes, maxOutputBytes);
    }
}
