package io.trainyard.worker;

import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.kafka.Topics;
import io.trainyard.worker.internal.sandbox.BubblewrapSandbox;
import io.trainyard.worker.internal.sandbox.DirectSandbox;
import io.trainyard.worker.internal.sandbox.RunUsers;
import io.trainyard.worker.internal.sandbox.Sandbox;
import io.trainyard.worker.internal.sandbox.SandboxLimits;
import io.trainyard.worker.internal.sandbox.WarmPool;
import io.trainyard.worker.internal.sandbox.WarmProfile;
import io.trainyard.worker.internal.training.TrainerProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * The warm pool in front of a bubblewrap sandbox, started; null when there is nothing to keep
     * warm (no bubblewrap, or every count 0). Warm sandboxes start with the longest CPU time a job
     * may have; the launcher lowers it to the job's.
     */
    static WarmPool warmPool(ConfigTable config, Chosen chosen, Path workRoot, SandboxLimits limits) {
        if (!(chosen.sandbox() instanceof BubblewrapSandbox bwrap)) {
            return null;
        }
        // The same directory WorkflowKind's provider installs the trainer in: its mount must match.
        Path program = TrainerProgram.extractOrFail(workRoot.resolve("trainer"));
        List<String> topics = config.get(WorkerSettings.TOPICS);
        List<WarmProfile> profiles = new ArrayList<>();
        int scripts = config.get(WorkerSettings.WARM_SCRIPT_SANDBOXES);
        if (scripts > 0 && topics.contains(Topics.SCRIPT_JOBS)) {
            profiles.add(TrainerProgram.scriptProfile(program, scripts));
        }
        int trainers = config.get(WorkerSettings.WARM_TRAINER_SANDBOXES);
        if (trainers > 0 && topics.contains(Topics.TRAINING_JOBS)) {
            profiles.add(TrainerProgram.trainerProfile(program, trainers));
        }
        if (profiles.isEmpty()) {
            return null;
        }
        SandboxLimits warmLimits = limits.withWallClock(Duration.ofSeconds(config.get(WorkerSettings.MAX_TIMEOUT_SECONDS)));
        return new WarmPool(bwrap, config.get(WorkerSettings.PYTHON), workRoot, warmLimits,
                config.get(WorkerSettings.WARM_MEMORY_MB) * 1024L * 1024L, profiles).start();
    }
}
