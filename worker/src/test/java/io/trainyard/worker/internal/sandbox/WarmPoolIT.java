package io.trainyard.worker.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trainyard.worker.internal.training.TrainerProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm sandboxes: a job runs in one started before it with the same guarantees as a cold one,
 * nothing of one run reaches the next, and the pool keeps to its memory budget. Needs bwrap and
 * Debian's python3 with pandas and scikit-learn; skipped where they are absent.
 */
class WarmPoolIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final SandboxLimits LIMITS = new SandboxLimits(Duration.ofSeconds(20), 20, 2L << 30, 32, 64L << 20, 4096);

    @TempDir
    Path tmp;

    private final ProcessSupervisor supervisor = new ProcessSupervisor(InstantSource.system());
    private BubblewrapSandbox bwrap;
    private Path root;
    private Path program;
    private WarmPool pool;

    @BeforeEach
    void needsBwrap() throws Exception {
        assumeTrue(BubblewrapSandbox.available() && Files.isExecutable(PYTHON), "bubblewrap and python3 required");
        bwrap = new BubblewrapSandbox(BubblewrapSandbox.BWRAP, PYTHON, RunUsers.forThisProcess());
        // Traversable by the runs' own users, as the worker's run root is.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        root = tmp;
        program = TrainerProgram.extract(root.resolve("trainer"));
    }

    @AfterEach
    void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    private WarmPool pool(long memoryBytes, WarmProfile... profiles) {
        pool = new WarmPool(bwrap, PYTHON.toString(), root, LIMITS, memoryBytes, List.of(profiles)).start();
        return pool;
    }

    private record Ran(ProcessResult result, String sandbox) {}

    private Ran run(String name, String script, SandboxLimits limits, Map<String, String> env,
                    CompletableFuture<?> stop) throws Exception {
        Path dir = Files.createDirectory(root.resolve(name));
        Files.writeString(dir.resolve("script.py"), script);
        SandboxSpec spec = new SandboxSpec(dir, List.of(PYTHON.toString(), "script.py"), env, Map.of(), limits)
                .warm(WarmProfile.SCRIPT);
        Process process = pool.start(spec);
        ProcessResult result = supervisor.supervise(process, limits, new StopOnlyWatch(stop));
        return new Ran(result, pool.describe(process));
    }

    private Ran run(String name, String script) throws Exception {
        return run(name, script, LIMITS, Map.of(), new CompletableFuture<>());
    }

    private void awaitWaiting(String profile, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> pool.waiting(profile) >= count);
    }

    @Test
    void oneRunsLeftoversAreInvisibleToTheNext() throws Exception {
        pool(256L << 20, TrainerProgram.scriptProfile(program, 2));
        awaitWaiting(WarmProfile.SCRIPT, 2);

        Ran first = run("first", """
                import builtins, json, os, sys
                open('/tmp/leftover', 'w').write('x')
                open('/work/leftover', 'w').write('x')
                os.environ['LEFTOVER'] = '1'
                os.putenv('LEFTOVER_PUT', '1')
                json.dumps = lambda *a, **k: 'patched'
                builtins.leftover = 1
                sys.modules['os'].leftover = 1
                sys.path.append('/work/leftover-path')
                print('pid', os.getpid(), json.dumps({}))
                """);
        awaitWaiting(WarmProfile.SCRIPT, 2);
        Ran second = run("second", """
                import builtins, json, os, sys
                print('tmp', os.path.exists('/tmp/leftover'), os.listdir('/work'))
                print('env', 'LEFTOVER' in os.environ, 'LEFTOVER_PUT' in os.environ)
                print('json', json.dumps({}))
                print('builtins', hasattr(builtins, 'leftover'), hasattr(os, 'leftover'))
                print('path', '/work/leftover-path' in sys.path)
                """);

        assertThat(first.sandbox()).isEqualTo("bwrap-warm");
        assertThat(second.sandbox()).isEqualTo("bwrap-warm");
        assertThat(first.result().stdout()).contains("patched");
        assertThat(second.result().exitCode()).as(second.result().stderr()).isZero();
        assertThat(second.result().stdout()).isEqualTo("""
                tmp False ['script.py']
                env False False
                json {}
                builtins False False
                path False
                """);
        assertThat(ProcessHandle.of(first.result().pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aSandboxTakenByAJobThatKeepsRunningIsStillReplaced() throws Exception {
        pool(256L << 20, TrainerProgram.scriptProfile(program, 1));
        awaitWaiting(WarmProfile.SCRIPT, 1);
        Path dir = Files.createDirectory(root.resolve("long"));
        Files.writeString(dir.resolve("script.py"), "import time\ntime.sleep(30)\n");
        Process running = pool.start(new SandboxSpec(dir, List.of(PYTHON.toString(), "script.py"), Map.of(), Map.of(),
                LIMITS).warm(WarmProfile.SCRIPT));
        try {
            assertThat(pool.describe(running)).isEqualTo("bwrap-warm");
            // The refill yields to the job for a moment only, not for as long as it runs.
            awaitWaiting(WarmProfile.SCRIPT, 1);
            assertThat(running.isAlive()).isTrue();
        } finally {
            ProcessTree.kill(running.toHandle());
        }
    }

    @Test
    void aWarmRunHasTheColdRunsEnvironmentLimitsAndErrors() throws Exception {
        pool(256L << 20, TrainerProgram.scriptProfile(program, 3));
        awaitWaiting(WarmProfile.SCRIPT, 3);

        Ran env = run("env", """
                import os, resource, sys
                print(sorted(os.environ))
                print(os.environ['JOB_VAR'], os.getcwd(), sys.argv, __name__)
                print(resource.getrlimit(resource.RLIMIT_CPU)[0] <= 5, sys.stdin.read() == '')
                """, LIMITS.withWallClock(Duration.ofSeconds(2)), Map.of("JOB_VAR", "job"), new CompletableFuture<>());
        assertThat(env.sandbox()).isEqualTo("bwrap-warm");
        assertThat(env.result().stdout()).contains("job /work ['script.py'] __main__", "True True")
                .doesNotContain("TRAINYARD");
        assertThat(env.result().stdout().lines().findFirst().orElseThrow())
                .isEqualTo(sortedNames(BubblewrapSandbox.environment(SandboxSpec.of(root, List.of("x"), LIMITS)), "JOB_VAR"));

        Ran error = run("error", "def f():\n    raise ValueError('boom')\nf()\n");
        assertThat(error.result().exitCode()).isEqualTo(1);
        assertThat(error.result().stderr()).startsWith("Traceback (most recent call last):\n  File \"/work/script.py\"")
                .contains("ValueError: boom").doesNotContain("runpy", "trainyard_launch");

        Ran timedOut = run("loop", "while True:\n    pass\n", LIMITS.withWallClock(Duration.ofSeconds(1)), Map.of(),
                new CompletableFuture<>());
        assertThat(timedOut.result().ending()).isEqualTo(ProcessResult.Ending.TIMED_OUT);

        CompletableFuture<Object> stop = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(500, java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> stop.complete("cancel"));
        Ran cancelled = run("cancel", "import time\ntime.sleep(30)\n", LIMITS, Map.of(), stop);
        assertThat(cancelled.result().ending()).isEqualTo(ProcessResult.Ending.STOPPED);
        assertThat(cancelled.result().elapsed()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anEmptyPoolOrAnUnfitJobStartsCold() throws Exception {
        pool(256L << 20, TrainerProgram.scriptProfile(program, 0));
        Ran cold = run("cold", "print('cold')\n");
        assertThat(cold.sandbox()).isEqualTo("bwrap");
        assertThat(cold.result().stdout()).isEqualTo("cold\n");
    }

    @Test
    void thePoolKeepsToItsMemoryBudget() throws Exception {
        long budget = 40L << 20;
        pool(budget, TrainerProgram.scriptProfile(program, 20));
        await().atMost(Duration.ofSeconds(60)).until(() -> pool.rssBytes(WarmProfile.SCRIPT) > 0);
        long one = pool.rssBytes(WarmProfile.SCRIPT);
        int fits = (int) (budget / one);
        awaitWaiting(WarmProfile.SCRIPT, Math.min(fits, 20) - 1);
        System.out.printf("warm script sandbox: %d KiB RSS; %d fit in %d MiB%n", one >> 10, pool.waiting(WarmProfile.SCRIPT),
                budget >> 20);
        assertThat(pool.waiting(WarmProfile.SCRIPT)).isLessThan(20);
        assertThat(pool.heldBytes()).isLessThanOrEqualTo(budget);
    }

    @Test
    void aTrainingSandboxHasTheTrainersImportsDone() throws Exception {
        assumeTrue(pythonHas("sklearn"), "Debian's python3-sklearn required");
        pool(1L << 30, TrainerProgram.trainerProfile(program, 1));
        awaitWaiting(WarmProfile.TRAINER, 1);
        System.out.printf("warm training sandbox: %d MiB RSS%n", pool.rssBytes(WarmProfile.TRAINER) >> 20);
        Path dir = Files.createDirectory(root.resolve("catalog"));
        SandboxSpec spec = new SandboxSpec(dir, List.of(PYTHON.toString(), "/trainyard/trainer/" + TrainerProgram.MAIN,
                "--catalog"), Map.of(), Map.of(program, "/trainyard/trainer"), LIMITS, WarmProfile.TRAINER);
        long start = System.nanoTime();
        Process process = pool.start(spec);
        ProcessResult result = supervisor.supervise(process, LIMITS, new StopOnlyWatch());
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("warm training sandbox: --catalog in %d ms%n", millis);
        assertThat(pool.describe(process)).isEqualTo("bwrap-warm");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).startsWith("{\"event\": \"catalog\"");
    }

    private static String sortedNames(Map<String, String> base, String extra) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(base.keySet());
        names.add(extra);
        return names.stream().map(n -> "'" + n + "'").collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    private static boolean pythonHas(String module) throws Exception {
        return new ProcessBuilder(PYTHON.toString(), "-c", "import " + module).start().waitFor() == 0;
    }
}
