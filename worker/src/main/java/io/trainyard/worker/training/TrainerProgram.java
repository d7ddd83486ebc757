package io.trainyard.worker.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The training program shipped inside the worker's jar (under {@code /trainer/}, from
 * {@code src/main/python}). Python cannot run it from the jar, so the worker copies it to a
 * directory once at start-up (readable by every user) and mounts that directory read-only into
 * each training sandbox.
 */
public final class TrainerProgram {
    /** The entry point; the others are its modules, imported from the same directory. */
    public static final String MAIN = "trainyard_trainer.py";
    static final List<String> FILES = List.of(MAIN, "trainyard_catalog.py", "trainyard_data.py",
            "trainyard_model.py", "trainyard_failure.py");
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
}
