package io.trainyard.worker.internal.sandbox;

import io.trainyard.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One bubblewrap sandbox started before its job: the launcher ({@code trainyard_launch.py}) has
 * done its profile's imports and waits on its standard input. Its directory at {@code /work} is a
 * slot directory of its own, empty until the job comes.
 *
 * <p>When the job comes ({@link #hand}), its files move into the slot directory and the slot
 * directory takes the place of the run's directory: the bind mount follows the directory, not its
 * name, so the sandbox sees the job's files at {@code /work} and the worker finds the run's
 * output where it looks for it. The job's argv, environment and CPU limit follow on the pipe.
 * The sandbox runs that one job and dies; nothing of it is reused.
 */
final class WarmSandbox {
    static final String READY = "trainyard-warm-sandbox-ready";

    private final WarmProfile profile;
    private final Process process;
    private final Path slot;
    private final SandboxLimits limits;
    private final String python;
    private long rssBytes;

    private WarmSandbox(WarmProfile profile, Process process, Path slot, SandboxLimits limits, String python) {
        this.profile = profile;
        this.process = process;
        this.slot = slot;
        this.limits = limits;
        this.python = python;
    }

    /** Starts one; {@link #awaitReady} tells when its imports are done. */
    static WarmSandbox start(BubblewrapSandbox bwrap, WarmProfile profile, String python, Path slot,
                             SandboxLimits limits) throws IOException {
        Files.createDirectories(slot);
        List<String> command = new ArrayList<>(List.of(python, profile.launcher()));
        command.addAll(profile.launcherArgs());
        Process process = bwrap.startWaiting(new SandboxSpec(slot, command, Map.of(), profile.readOnly(), limits));
        return new WarmSandbox(profile, process, slot, limits, python);
    }

    WarmProfile profile() {
        return profile;
    }

    long rssBytes() {
        return rssBytes;
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * Waits until the launcher announced itself on stdout and stderr (what it printed before, such
     * as import warnings, is no job's output), then measures its memory.
     *
     * @throws IOException naming the launcher's last words when it died or took too long
     */
    void awaitReady(Duration within) throws IOException, InterruptedException {
        StringBuffer errors = new StringBuffer();
        CompletableFuture<Boolean> out = skipToReady(process.getInputStream(), new StringBuffer());
        CompletableFuture<Boolean> err = skipToReady(process.getErrorStream(), errors);
        try {
            boolean ready = CompletableFuture.allOf(out, err).thenApply(v -> out.join() && err.join())
                    .get(within.toMillis(), TimeUnit.MILLISECONDS);
            if (!ready) {
                throw new IOException("the warm sandbox ended before it was ready: " + tail(errors));
            }
        } catch (TimeoutException e) {
            throw new IOException("the warm sandbox was not ready within " + within.toSeconds() + " s: " + tail(errors));
        } catch (ExecutionException e) {
            throw new IOException("cannot read the warm sandbox's output", e.getCause());
        }
        rssBytes = TreeMemory.rssBytes(process.toHandle());
    }

    /** Whether {@code spec} can run here instead of in a sandbox started for it. */
    boolean fits(SandboxSpec spec) {
        SandboxLimits wanted = spec.limits();
        return profile.serves(spec) && spec.command().getFirst().equals(python) && spec.command().size() >= 2
                && wanted.addressSpaceBytes() == limits.addressSpaceBytes()
                && wanted.maxProcesses() == limits.maxProcesses()
                && wanted.maxFileBytes() == limits.maxFileBytes()
                && wanted.cpuSeconds() <= limits.cpuSeconds();
    }

    /**
     * Gives this sandbox its job and returns its process, which the caller supervises as if it had
     * just been started. On an IOException the sandbox is unusable: {@link #discard} it.
     */
    Process hand(SandboxSpec spec) throws IOException {
        Path runDir = spec.workDir().toAbsolutePath();
        moveInto(runDir, slot);
        Files.delete(runDir);
        Files.move(slot, runDir, StandardCopyOption.ATOMIC_MOVE);
        Object owner = Files.getAttribute(runDir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!owner.equals(self)) {
            RunUsers.handOver(runDir, (Integer) owner);
        }
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("argv", spec.command().subList(1, spec.command().size()));
        job.put("env", BubblewrapSandbox.environment(spec));
        job.put("cpuSeconds", spec.limits().cpuSeconds());
        byte[] line = (Json.writeString(job) + "\n").getBytes(StandardCharsets.UTF_8);
        try (OutputStream in = process.getOutputStream()) {
            in.write(line);
        }
        return process;
    }

    /** Kills it and removes its slot directory. */
    void discard() {
        ProcessTree.kill(process.toHandle());
        deleteTree(slot);
    }

    private static void moveInto(Path from, Path to) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
            for (Path entry : entries) {
                Files.move(entry, to.resolve(entry.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: the worker's run root goes with the worker.
        }
    }

    /** Reads lines up to the launcher's READY line; false at the stream's end without it. */
    private static CompletableFuture<Boolean> skipToReady(InputStream in, StringBuffer seen) {
        CompletableFuture<Boolean> found = new CompletableFuture<>();
        Thread.ofVirtual().name("warm-ready").start(() -> {
            StringBuilder line = new StringBuilder();
            try {
                int b;
                // Byte by byte, so that nothing after READY is taken from the job's output.
                while ((b = in.read()) >= 0) {
                    if (b != '\n') {
                        line.append((char) b);
                        continue;
                    }
                    if (line.toString().equals(READY)) {
                        found.complete(true);
                        return;
                    }
                    seen.append(line).append('\n');
                    line.setLength(0);
                }
                found.complete(false);
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
        });
        return found;
    }

    private static String tail(StringBuffer text) {
        String s = text.toString().strip();
        return s.isEmpty() ? "(nothing on stderr)" : s.substring(Math.max(0, s.length() - 500));
    }
}
