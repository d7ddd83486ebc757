package io.trainyard.worker.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One process to run in the sandbox.
 *
 * @param workDir the run's private directory on the host; the only writable place, seen as
 *                {@link Sandbox#WORK_DIR} inside the sandbox and the process's working directory
 * @param command program and arguments (the program as seen inside the sandbox)
 * @param env variables added to the sandbox's minimal environment
 * @param readOnly host paths made visible read-only, mapped to their path inside the sandbox
 * @param limits resource limits
 */
public record SandboxSpec(Path workDir, List<String> command, Map<String, String> env,
                          Map<Path, String> readOnly, SandboxLimits limits) {
    public SandboxSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        readOnly = Map.copyOf(readOnly);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    public static SandboxSpec of(Path workDir, List<String> command, SandboxLimits limits) {
        return new SandboxSpec(workDir, command, Map.of(), Map.of(), limits);
    }
}
