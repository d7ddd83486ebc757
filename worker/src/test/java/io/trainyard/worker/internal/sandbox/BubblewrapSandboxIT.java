package io.trainyard.worker.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a script inside bubblewrap can and cannot do. Needs bwrap; skipped where it is absent. */
class BubblewrapSandboxIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final SandboxLimits LIMITS = new SandboxLimits(Duration.ofSeconds(20), 20, 2L << 30, 32, 64L << 20, 4096);

    @TempDir
    Path workDir;

    private final ProcessSupervisor supervisor = new ProcessSupervisor(InstantSource.system());
    private BubblewrapSandbox sandbox;
    private RunUsers users;

    @BeforeEach
    void needsBwrap() {
        assumeTrue(BubblewrapSandbox.available() && Files.isExecutable(PYTHON), "bubblewrap and python3 required");
        users = RunUsers.forThisProcess();
        sandbox = new BubblewrapSandbox(BubblewrapSandbox.BWRAP, PYTHON, users);
    }

    private ProcessResult run(String script, SandboxLimits limits, CompletableFuture<?> stop) throws Exception {
        Files.writeString(workDir.resolve("script.py"), script);
        Process process = sandbox.start(SandboxSpec.of(workDir, List.of(PYTHON.toString(), "script.py"), limits));
        return supervisor.supervise(process, limits, new StopOnlyWatch(stop));
    }

    private ProcessResult run(String script) throws Exception {
        return run(script, LIMITS, new CompletableFuture<>());
    }

    @Test
    void noNetworkNotEvenLoopbackToTheHost() throws Exception {
        ProcessResult result = run("""
                import socket
                for host, port in [('127.0.0.1', 22), ('1.1.1.1', 80)]:
                    try:
                        socket.create_connection((host, port), timeout=2)
                        print('open', host)
                    except OSError as e:
                        print('refused', host)
                """);

        assertThat(result.stdout()).contains("refused 127.0.0.1", "refused 1.1.1.1").doesNotContain("open");
    }

    @Test
    void theWorkersEnvironmentAndFilesAreInvisible() throws Exception {
        ProcessResult result = run("""
                import os
                print(sorted(os.environ))
                print(open('/proc/1/environ').read().replace('\\0', ' '))
                print(os.path.exists('/root'), os.path.exists('/home'), os.path.exists('/work/script.py'))
                """);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).doesNotContain("TRAINYARD_", "JAVA_HOME", "MAVEN").contains("False False True");
    }

    @Test
    void theSystemIsReadOnlyAndOnlyTheRunDirectoryIsWritable() throws Exception {
        ProcessResult result = run("""
                for path in ['/usr/evil', '/etc/evil', '/evil', '/work/ok', '/tmp/ok']:
                    try:
                        open(path, 'w').write('x')
                        print('wrote', path)
                    except OSError:
                        print('denied', path)
                """);

        assertThat(result.stdout()).contains("denied /usr/evil", "denied /etc/evil", "denied /evil", "wrote /work/ok",
                "wrote /tmp/ok");
        assertThat(workDir.resolve("ok")).exists();
    }

    @Test
    void outputBeyondTheLimitIsDroppedBehindAMarker() throws Exception {
        ProcessResult result = run("import sys\nsys.stdout.write('x' * 100000)\n");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).startsWith("x".repeat(4096)).contains("output truncated, 95904 more bytes dropped");
    }

    @Test
    void theDeadlineKillsTheWholeProcessTree() throws Exception {
        ProcessResult result = run("""
                import subprocess, time
                subprocess.Popen(['sleep', '300'])
                print('started', flush=True)
                time.sleep(300)
                """, LIMITS.withWallClock(Duration.ofSeconds(1)), new CompletableFuture<>());

        assertThat(result.ending()).isEqualTo(ProcessResult.Ending.TIMED_OUT);
        assertThat(result.stdout()).contains("started");
        assertThat(ProcessHandle.of(result.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").equals("sleep 300")))
                .noneMatch(p -> p.parent().map(parent -> parent.pid() == result.pid()).orElse(false));
    }

    @Test
    void aStopRequestKillsAtOnce() throws Exception {
        CompletableFuture<Object> stop = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> stop.complete("x"));
        long started = System.nanoTime();

        ProcessResult result = run("while True:\n    pass\n", LIMITS, stop);

        assertThat(result.ending()).isEqualTo(ProcessResult.Ending.STOPPED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void memoryBeyondTheLimitFails() throws Exception {
        ProcessResult result = run("b = bytearray(3 * 1024 * 1024 * 1024)\nprint('allocated')\n");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).doesNotContain("allocated");
        assertThat(result.stderr()).contains("MemoryError");
    }

    @Test
    void aForkBombHitsTheProcessLimitAndTheRunDoesNotSeeTheWorker() throws Exception {
        assumeTrue(users.enabled(), "per-run users need a root worker and setpriv");
        ProcessResult result = run("""
                import os, time
                print('uid', os.getuid(), flush=True)
                children = 0
                try:
                    while True:
                        if os.fork() == 0:
                            time.sleep(30)
                            os._exit(0)
                        children += 1
                except OSError as e:
                    print('fork refused after', children, flush=True)
                """, LIMITS.withWallClock(Duration.ofSeconds(10)), new CompletableFuture<>());

        assertThat(result.stdout()).contains("fork refused after").doesNotContain("uid 0\n");
        int children = Integer.parseInt(result.stdout().replaceAll("(?s).*fork refused after (\\d+).*", "$1"));
        assertThat(children).isLessThan(LIMITS.maxProcesses());
    }

    @Test
    void scikitLearnImportsInside() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/sklearn")), "python3-sklearn not installed");
        ProcessResult result = run("import sklearn, numpy\nprint('ok', sklearn.__version__)\n");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).startsWith("ok");
    }
}
