package io.trainyard.worker.internal.sandbox;

import java.util.List;

/** Kills a process and every descendant, so nothing a script forked outlives its run. */
final class ProcessTree {
    private static final int ROUNDS = 5;

    private ProcessTree() {}

    static void kill(ProcessHandle root) {
        // Repeat: a process may fork between the snapshot and the kill.
        for (int round = 0; round < ROUNDS; round++) {
            List<ProcessHandle> descendants = root.descendants().toList();
            root.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            if (descendants.stream().noneMatch(ProcessHandle::isAlive) && root.descendants().findAny().isEmpty()) {
                return;
            }
        }
    }
}
