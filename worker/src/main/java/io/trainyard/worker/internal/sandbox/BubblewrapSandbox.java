package io.trainyard.worker.internal.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs each process in bubblewrap: every namespace unshared (so no network but loopback, its own
 * PID space, host name and IPC), the system directories read-only, a private tmpfs at /tmp, the
 * run's directory read-write at /work, a cleared environment, a new session (no terminal
 * injection), and killed with the worker ({@code --die-with-parent}). Nothing else of the host is
 * visible: not the worker's files, configuration, or other runs' directories.
 */
public final class BubblewrapSandbox implements Sandbox {
    public static final Path BWRAP = Path.of("/usr/bin/bwrap");

    /** System directories a Python interpreter and its libraries need; bound when present. */
    private static final List<String> SYSTEM_DIRS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
            "/libx32");
    /** The few files of /etc the loader and Python read; /etc itself may hold secrets. */
    private static final List<String> ETC_ENTRIES = List.of("/etc/alternatives", "/etc/ld.so.cache",
            "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/mime.types");

    /** bwrap's own processes (itself and the sandbox's PID 1) count against the run's process limit. */
    private static final int OWN_PROCESSES = 2;

    private final Path bwrap;
    private final List<String> systemArgs;
    private final RunUsers users;

    public BubblewrapSandbox(Path bwrap, Path python, RunUsers users) {
        this.bwrap = bwrap;
        this.systemArgs = systemArgs(python);
        this.users = users;
    }

    public static boolean available() {
        return Files.isExecutable(BWRAP);
    }

    @Override
    public String name() {
        return "bwrap";
    }

    @Override
    public Process start(SandboxSpec spec) throws IOException {
        return start(spec, ProcessBuilder.Redirect.from(new File("/dev/null")));
    }

    /**
     * Starts {@code spec} with its standard input a pipe from the worker: how a {@link WarmSandbox}
     * is started, its job arriving on that pipe.
     */
    Process startWaiting(SandboxSpec spec) throws IOException {
        return start(spec, ProcessBuilder.Redirect.PIPE);
    }

    /** The whole environment a process of {@code spec} sees inside the sandbox. */
    static Map<String, String> environment(SandboxSpec spec) {
        Map<String, String> env = Sandbox.baseEnvironment(WORK_DIR);
        env.putAll(spec.env());
        return env;
    }

    private Process start(SandboxSpec spec, ProcessBuilder.Redirect input) throws IOException {
        int uid = users.acquire();
        try {
            Process process = start(spec, uid, input);
            process.onExit().thenRun(() -> users.release(uid));
            return process;
        } catch (IOException | RuntimeException e) {
            users.release(uid);
            throw e;
        }
    }

    private Process start(SandboxSpec spec, int uid, ProcessBuilder.Redirect input) throws IOException {
        RunUsers.handOver(spec.workDir(), uid);
        List<String> command = new ArrayList<>(RunUsers.prefix(uid));
        command.addAll(ResourceLimiter.prefix(spec.limits(), OWN_PROCESSES));
        command.add(bwrap.toString());
        command.addAll(List.of("--unshare-all", "--die-with-parent", "--new-session", "--hostname", "sandbox"));
        command.addAll(systemArgs);
        command.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        command.addAll(List.of("--bind", spec.workDir().toAbsolutePath().toString(), WORK_DIR, "--chdir", WORK_DIR));
        for (Map.Entry<Path, String> bind : spec.readOnly().entrySet()) {
            command.addAll(List.of("--ro-bind", bind.getKey().toAbsolutePath().toString(), bind.getValue()));
        }
        // The sandbox's own root is a scratch tmpfs: make it read-only too, so /tmp and /work stay the
        // only writable places.
        command.addAll(List.of("--remount-ro", "/"));
        command.add("--clearenv");
        environment(spec).forEach((k, v) -> command.addAll(List.of("--setenv", k, v)));
        command.add("--");
        command.addAll(spec.command());

        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(spec.workDir().toFile())
                .redirectInput(input);
        // bwrap itself (PID 1 of the sandbox, visible in its /proc) must not carry the worker's
        // environment either.
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        return builder.start();
    }

    private static List<String> systemArgs(Path python) {
        List<String> args = new ArrayList<>();
        for (String dir : SYSTEM_DIRS) {
            Path path = Path.of(dir);
            if (Files.isSymbolicLink(path)) {
                try {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), dir));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (Files.isDirectory(path)) {
                args.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        for (String entry : ETC_ENTRIES) {
            args.addAll(List.of("--ro-bind-try", entry, entry));
        }
        // Debian's python3 reads /etc/python3.X/sitecustomize.py.
        try (DirectoryStream<Path> pythons = Files.newDirectoryStream(Path.of("/etc"), "python3*")) {
            for (Path p : pythons) {
                args.addAll(List.of("--ro-bind", p.toString(), p.toString()));
            }
        } catch (IOException | SecurityException ignored) {
            // No such directories: nothing to bind.
        }
        // An interpreter installed outside /usr (e.g. /opt/python/bin/python3) brings its prefix.
        Path real = python.toAbsolutePath().normalize();
        if (!real.startsWith("/usr") && real.getParent() != null && real.getParent().getParent() != null) {
            String prefix = real.getParent().getParent().toString();
            args.addAll(List.of("--ro-bind", prefix, prefix));
        }
        return List.copyOf(args);
    }
}
