package io.trainyard.worker.sandbox;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * No isolation but the limits and a cleared environment: Python runs as the worker's user in the
 * run's directory. Only for machines without bubblewrap, and only when configured explicitly
 * ({@code TRAINYARD_SANDBOX=none}).
 */
public final class DirectSandbox implements Sandbox {
    @Override
    public String name() {
        return "none";
    }

    @Override
    public Process start(SandboxSpec spec) throws IOException {
        List<String> command = new ArrayList<>(ResourceLimiter.prefix(spec.limits()));
        command.addAll(spec.command());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(spec.workDir().toFile())
                .redirectInput(new File("/dev/null"));
        builder.environment().clear();
        builder.environment().putAll(Sandbox.baseEnvironment(spec.workDir().toAbsolutePath().toString()));
        builder.environment().put("TMPDIR", spec.workDir().toAbsolutePath().toString());
        builder.environment().putAll(spec.env());
        return builder.start();
    }
}
