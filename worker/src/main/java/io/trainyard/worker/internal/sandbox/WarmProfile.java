package io.trainyard.worker.internal.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A kind of warm sandbox: what its launcher imports before any job exists, and what it shows
 * read-only (the launcher itself among it). A job may take one when its {@link SandboxSpec}
 * names the profile and asks for no read-only path the profile does not show at the same place.
 *
 * @param name what a {@link SandboxSpec#warmProfile()} names, e.g. "script" or "trainer"
 * @param launcher the launcher's path inside the sandbox ({@code trainyard_launch.py})
 * @param launcherArgs the launcher's arguments: {@code [--path DIR] MODULE...}
 * @param readOnly host paths shown read-only, mapped to their path inside the sandbox
 * @param count how many the pool keeps waiting
 * @param rssGuessBytes the memory one is taken to hold before the first was measured
 */
public record WarmProfile(String name, String launcher, List<String> launcherArgs, Map<Path, String> readOnly,
                          int count, long rssGuessBytes) {
    /** The profile of CODE jobs: a bare interpreter. */
    public static final String SCRIPT = "script";
    /** The profile of WORKFLOW jobs: the trainer's modules imported. */
    public static final String TRAINER = "trainer";

    public WarmProfile {
        launcherArgs = List.copyOf(launcherArgs);
        readOnly = Map.copyOf(readOnly);
        if (count < 0 || rssGuessBytes < 1) {
            throw new IllegalArgumentException("count must be >= 0 and rssGuessBytes positive");
        }
    }

    /** Whether a warm sandbox of this profile shows everything {@code spec} needs where it needs it. */
    boolean serves(SandboxSpec spec) {
        return name.equals(spec.warmProfile()) && spec.readOnly().entrySet().stream()
                .allMatch(e -> e.getValue().equals(readOnly.get(e.getKey().toAbsolutePath())));
    }
}
