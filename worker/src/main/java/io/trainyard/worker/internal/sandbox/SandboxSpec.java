package io.trainyard.worker.internal.sandbox;

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
 * @param warmProfile the {@link WarmProfile} whose warm sandbox may run this command (a Python
 *                    program, {@code command} being the interpreter and its arguments); null to
 *                    always start cold
 */
public record SandboxSpec(Path workDir, List<String> command, Map<String, String> env,
                          Map<Path, String> readOnly, SandboxLimits limits, String warmProfile) {
    public SandboxSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        readOnly = Map.copyOf(readOnly);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    public SandboxSpec(Path workDir, List<String> command, Map<String, String> env, Map<Path, String> readOnly,
                       SandboxLimits limits) {
        this(workDir, command, env, readOnly, limits, null);
    }

    public static SandboxSpec of(Path workDir, List<String> command, SandboxLimits limits) {
        return new SandboxSpec(workDir, command, Map.of(), Map.of(), limits);
    }

    /** The same process, allowed to run in a warm sandbox of {@code profile}. */
    public SandboxSpec warm(String profile) {
        return new SandboxSpec(workDir, command, env, readOnly, limits, profile);
    }
}
