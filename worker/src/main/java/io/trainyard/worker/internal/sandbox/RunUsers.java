package io.trainyard.worker.internal.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Gives every run a user id of its own when the worker runs as root: the run then cannot signal
 * or read the worker's processes, and RLIMIT_NPROC (which counts all processes of a user) bounds
 * that run alone, which makes a fork bomb fail instead of filling the machine. A worker that is
 * not root (or lacks {@code setpriv}) runs scripts as itself, without a process limit.
 *
 * <p>Ids come from a block of {@value #BLOCK} chosen by the worker's pid, above the ids any
 * distribution hands out; a released id goes to the back of the queue so it is reused last.
 */
public final class RunUsers {
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    static final int BLOCK = 256;
    private static final long BASE = 1_500_000_000L;

    private final Deque<Integer> free;

    private RunUsers(Deque<Integer> free) {
        this.free = free;
    }

    /** Per-run users when this process is root and {@code setpriv} exists; otherwise none. */
    public static RunUsers forThisProcess() {
        if (!Files.isExecutable(SETPRIV) || !isRoot()) {
            return none();
        }
        long first = BASE + (ProcessHandle.current().pid() % 100_000L) * BLOCK;
        Deque<Integer> ids = new ArrayDeque<>();
        for (int i = 0; i < BLOCK; i++) {
            ids.add((int) (first + i));
        }
        return new RunUsers(ids);
    }

    public static RunUsers none() {
        return new RunUsers(null);
    }

    public boolean enabled() {
        return free != null;
    }

    /** A user id for one run, or -1 when runs share the worker's user. */
    synchronized int acquire() {
        if (free == null) {
            return -1;
        }
        Integer uid = free.pollFirst();
        if (uid == null) {
            throw new IllegalStateException("all " + BLOCK + " sandbox user ids are in use");
        }
        return uid;
    }

    synchronized void release(int uid) {
        if (free != null && uid >= 0) {
            free.addLast(uid);
        }
    }

    /** The command prefix that drops to {@code uid} (nothing when uid is -1). */
    static List<String> prefix(int uid) {
        if (uid < 0) {
            return List.of();
        }
        return List.of(SETPRIV.toString(), "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--");
    }

    /** Hands the run's directory to its user, so the script can write its own files there. */
    static void handOver(Path dir, int uid) throws IOException {
        if (uid < 0) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(paths::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path p : paths) {
            Files.setAttribute(p, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
