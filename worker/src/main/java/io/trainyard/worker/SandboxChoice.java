package io.trainyard.worker;

import io.trainyard.common.config.ConfigTable;
import io.trainyard.worker.sandbox.BubblewrapSandbox;
import io.trainyard.worker.sandbox.DirectSandbox;
import io.trainyard.worker.sandbox.RunUsers;
import io.trainyard.worker.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;

/** Picks the sandbox from the configuration, refusing to start rather than run scripts unisolated by surprise. */
final class SandboxChoice {
    private SandboxChoice() {}

    record Chosen(Sandbox sandbox, int maxProcesses) {}

    static Chosen choose(ConfigTable config) {
        Path python = Path.of(config.get(WorkerSettings.PYTHON));
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("TRAINYARD_PYTHON: " + python + " is not an executable Python "
                    + "interpreter (install python3, or point TRAINYARD_PYTHON at one)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/prlimit"))) {
            throw new IllegalStateException("/usr/bin/prlimit (util-linux) is missing: the worker cannot limit "
                    + "scripts' CPU time and memory without it");
        }
        // RLIMIT_NPROC counts every process of the user, the worker's own threads included, so it
        // only bounds a run that has a user id of its own.
        RunUsers users = RunUsers.forThisProcess();
        int maxProcesses = users.enabled() ? config.get(WorkerSettings.MAX_PROCESSES) : 0;
        return switch (config.get(WorkerSettings.SANDBOX)) {
            case NONE -> new Chosen(new DirectSandbox(users), maxProcesses);
            case BWRAP -> {
                if (!BubblewrapSandbox.available()) {
                    throw new IllegalStateException("bubblewrap (" + BubblewrapSandbox.BWRAP + ") is not installed, "
                            + "so scripts cannot be sandboxed. Install it (apt-get install bubblewrap), or set "
                            + "TRAINYARD_SANDBOX=none to run scripts without isolation on a trusted machine.");
                }
                yield new Chosen(new BubblewrapSandbox(BubblewrapSandbox.BWRAP, python, users), maxProcesses);
            }
        };
    }
}
