package io.trainyard.worker.internal.training;

import io.trainyard.worker.internal.sandbox.WarmProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training program shipped inside the worker's jar (under {@code /trainer/}, from
 * {@code src/main/python}). Python cannot run it from the jar, so the worker copies it to a
 * directory once at start-up (readable by every user) and mounts that directory read-only into
 * each training sandbox.
 */
public final class TrainerProgram {
    /** The entry point; the others are its modules, imported from the same directory. */
    public static final String MAIN = "trainyard_trainer.py";
    /** A warm sandbox's first program: imports, then waits for its job (see WarmSandbox). */
    public static final String LAUNCHER = "trainyard_launch.py";
    /** What a warm training sandbox imports ahead of its job: the trainer's modules, and with them pandas and scikit-learn. */
    public static final List<String> IMPORTS = List.of("trainyard_failure", "trainyard_catalog", "trainyard_data",
            "trainyard_model");
    static final List<String> FILES = List.of(MAIN, "trainyard_catalog.py", "trainyard_data.py",
            "trainyard_model.py", "trainyard_failure.py", LAUNCHER);
    private static final String RESOURCE_DIR = "/trainer/";

    private TrainerProgram() {}

    /**
     * Copies the program into {@code dir} (created if missing) and returns {@code dir}. Each file
     * is written beside its final name and moved into place, so a run starting meanwhile never
     * reads half a file.
     */
    public static Path extract(Path dir) throws IOException {
        Files.createDirectories(dir);
        readableByAll(dir, "rwxr-xr-x");
        for (String name : FILES) {
            try (InputStream in = TrainerProgram.class.getResourceAsStream(RESOURCE_DIR + name)) {
                if (in == null) {
                    throw new IOException("the worker's jar lacks " + RESOURCE_DIR + name);
                }
                Path partial = Files.createTempFile(dir, "." + name, ".partial");
                try {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    // Readable by all: a run may have a user id of its own (see RunUsers).
                    readableByAll(partial, "rw-r--r--");
                    Files.move(partial, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
        }
        return dir;
    }

    private static void readableByAll(Path path, String permissions) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    /** {@link #extract} for start-up code that has no use for a checked exception. */
    public static Path extractOrFail(Path dir) {
        try {
            return extract(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the training program in " + dir, e);
        }
    }

    /** Warm sandboxes for scripts: a bare interpreter, shown only the launcher of {@code program}. */
    public static WarmProfile scriptProfile(Path program, int count) {
        String mounted = TrainerInvocation.MOUNT_ROOT + "/" + LAUNCHER;
        return new WarmProfile(WarmProfile.SCRIPT, mounted, List.of(),
                Map.of(program.toAbsolutePath().resolve(LAUNCHER), mounted), count, 16L << 20);
    }

    /** Warm sandboxes for training: {@code program} mounted as a run of it sees it, its modules imported. */
    public static WarmProfile trainerProfile(Path program, int count) {
        String mounted = TrainerInvocation.PROGRAM_MOUNT;
        List<String> args = new ArrayList<>(List.of("--path", mounted, "--exit-fast"));
        args.addAll(IMPORTS);
        return new WarmProfile(WarmProfile.TRAINER, mounted + "/" + LAUNCHER, args,
                Map.of(program.toAbsolutePath(), mounted), count, 160L << 20);
    }
}
