package io.trainyard.worker.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TRAINYARD_SANDBOX=none: no isolation, but the limits and a clean environment still hold. */
class DirectSandboxIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path workDir;

    @Test
    void runsPythonInTheRunDirectoryWithACleanEnvironmentAndLimits() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "python3 required");
        Files.writeString(workDir.resolve("script.py"), """
                import os, resource
                print(sorted(k for k in os.environ if k.startswith('TRAINYARD') or k == 'JAVA_HOME'))
                print(os.getcwd() == os.environ['HOME'])
                print(resource.getrlimit(resource.RLIMIT_CPU)[0], resource.getrlimit(resource.RLIMIT_AS)[0])
                """);
        SandboxLimits limits = new SandboxLimits(Duration.ofSeconds(10), 7, 1L << 30, 0, 1L << 20, 4096);
        Process process = new DirectSandbox(RunUsers.forThisProcess())
                .start(SandboxSpec.of(workDir, List.of(PYTHON.toString(), "script.py"), limits));

        ProcessResult result = new ProcessSupervisor(InstantSource.system()).supervise(process, limits,
                new StopOnlyWatch());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("[]\nTrue\n7 " + (1L << 30) + "\n");
    }
}
