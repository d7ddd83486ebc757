package io.trainyard.worker.internal.sandbox;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts user code isolated from the worker: its own minimal environment (none of the worker's
 * variables), resource limits, and for {@link BubblewrapSandbox} no network and a read-only view
 * of the system. The caller supervises the returned process ({@link ProcessSupervisor}).
 */
public interface Sandbox {
    /** Where the run's directory appears inside the sandbox. */
    String WORK_DIR = "/work";

    Process start(SandboxSpec spec) throws IOException;

    /** A short name for logs and run records, e.g. "bwrap". */
    String name();

    /** How {@code process}, started by this sandbox, was started: its name, e.g. "bwrap" or "bwrap-warm". */
    default String describe(Process process) {
        return name();
    }

    /** The environment every sandboxed process starts with, before the spec's additions. */
    static Map<String, String> baseEnvironment(String home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home);
        env.put("TMPDIR", "/tmp");
        env.put("LANG", "C.UTF-8");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        // Numeric libraries otherwise start one thread per core in every run.
        env.put("OMP_NUM_THREADS", "1");
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("MKL_NUM_THREADS", "1");
        return env;
    }
}
