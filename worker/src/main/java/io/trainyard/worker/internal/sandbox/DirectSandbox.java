package io.trainyard.worker.internal.sandbox;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * No isolation but the limits, a cleared environment and (when the worker is root) a user id of
 * the run's own: Python runs directly in the run's directory. Only for machines without bubblewrap, and only when configured explicitly
 * ({@code TRAINYARD_SANDBOX=none}).
 */
public final class DirectSandbox implements Sandbox {
    private final RunUsers users;

    public DirectSandbox(RunUsers users) {
        this.users = users;
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public Process start(SandboxSpec spec) throws IOException {
        int uid = users.acquire();
        try {
            Process process = start(spec, uid);
            process.onExit().thenRun(() -> users.release(uid));
            return process;
        } catch (IOException | RuntimeException e) {
            users.release(uid);
            throw e;
        }
    }

    private Process start(SandboxSpec spec, int uid) throws IOException {
        RunUsers.handOver(spec.workDir(), uid);
        List<String> command = new ArrayList<>(RunUsers.prefix(uid));
        command.addAll(ResourceLimiter.prefix(spec.limits(), 0));
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
