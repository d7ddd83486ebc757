package io.trainyard.worker.internal.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The resident memory of a process and its descendants, from {@code /proc/<pid>/status}. Pages
 * shared between them (the interpreter, libraries) count once per process, so this is an upper
 * bound, which is what a memory budget wants.
 */
final class TreeMemory {
    private TreeMemory() {}

    static long rssBytes(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants()).mapToLong(p -> rssBytes(p.pid())).sum();
    }

    private static long rssBytes(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024L)
                    .findFirst().orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0; // the process ended meanwhile
        }
    }
}
