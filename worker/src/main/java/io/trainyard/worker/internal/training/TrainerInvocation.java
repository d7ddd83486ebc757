package io.trainyard.worker.internal.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.training.WorkflowSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run of the training program, laid out in the run's directory: the spec file the trainer
 * reads, the command that starts it, and what must be visible (read-only) inside the sandbox.
 *
 * <p>The trainer writes only into the run's directory: the model to {@value #MODEL_FILE} and its
 * events, as they happen, to {@value #EVENTS_FILE} (read them with {@link TrainerReport#read}).
 * The process must start in the run's directory, as both sandboxes do.
 */
public final class TrainerInvocation {
    public static final String SPEC_FILE = "trainer-spec.json";
    public static final String EVENTS_FILE = "trainer-events.jsonl";
    public static final String MODEL_FILE = "model/model.joblib";
    /** Debian's interpreter: the one with scikit-learn (python3-sklearn). */
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";
    /** Where {@link Layout#MOUNTED} shows the program and the inputs inside the sandbox. */
    public static final String MOUNT_ROOT = "/trainyard";
    /** Where {@link Layout#MOUNTED} shows the program. */
    public static final String PROGRAM_MOUNT = MOUNT_ROOT + "/trainer";

    /** How the sandbox shows the host's files to the trainer. */
    public enum Layout {
        /** Isolated (bubblewrap): the program and inputs are mounted read-only under {@value #MOUNT_ROOT}. */
        MOUNTED,
        /** No isolation: the trainer sees the host's paths as they are. */
        HOST
    }

    private final List<String> command;
    private final Map<Path, String> readOnlyMounts;
    private final Path workDir;

    private TrainerInvocation(List<String> command, Map<Path, String> readOnlyMounts, Path workDir) {
        this.command = List.copyOf(command);
        this.readOnlyMounts = Map.copyOf(readOnlyMounts);
        this.workDir = workDir;
    }

    public static Builder builder(WorkflowSpec workflow, TrainerInputs inputs) {
        return new Builder(workflow, inputs);
    }

    /** {@code [python, trainyard_trainer.py, trainer-spec.json]}, paths as the sandbox sees them. */
    public List<String> command() {
        return command;
    }

    /** Host path to its path inside the sandbox, for {@code SandboxSpec.readOnly}; empty for HOST. */
    public Map<Path, String> readOnlyMounts() {
        return readOnlyMounts;
    }

    public Path specFile() {
        return workDir.resolve(SPEC_FILE);
    }

    /** On the host; read it during the run for progress and after it for the outcome. */
    public Path eventsFile() {
        return workDir.resolve(EVENTS_FILE);
    }

    /** On the host; holds the best model once the trainer reported a result. */
    public Path modelFile() {
        return workDir.resolve(MODEL_FILE);
    }

    /** Sets up one invocation; {@link #prepare()} writes the spec into the run's directory. */
    public static final class Builder {
        private final WorkflowSpec workflow;
        private final TrainerInputs inputs;
        private Path programDir;
        private Path workDir;
        private Layout layout = Layout.MOUNTED;
        private String python = DEFAULT_PYTHON;
        private String modelVersion;
        private String binaryPath;

        private Builder(WorkflowSpec workflow, TrainerInputs inputs) {
            this.workflow = Objects.requireNonNull(workflow, "workflow");
            this.inputs = Objects.requireNonNull(inputs, "inputs");
        }

        /** The directory {@link TrainerProgram#extract} installed the program in. */
        public Builder program(Path dir) {
            this.programDir = Objects.requireNonNull(dir, "program").toAbsolutePath();
            return this;
        }

        /** The run's private, writable directory on the host. */
        public Builder workDir(Path dir) {
            this.workDir = Objects.requireNonNull(dir, "workDir").toAbsolutePath();
            return this;
        }

        public Builder layout(Layout value) {
            this.layout = Objects.requireNonNull(value, "layout");
            return this;
        }

        /** The interpreter as the sandbox sees it; must have scikit-learn, pandas and joblib. */
        public Builder python(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("python must name an interpreter");
            }
            this.python = value;
            return this;
        }

        /** Recorded in the saved model and reported back as the run's {@code version}. */
        public Builder modelVersion(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("modelVersion must not be blank");
            }
            this.modelVersion = value;
            return this;
        }

        /** Reported as {@code binaryPath} (where the model resource will live) instead of the file's path. */
        public Builder binaryPath(String value) {
            this.binaryPath = value;
            return this;
        }

        public TrainerInvocation prepare() throws IOException {
            if (programDir == null || workDir == null || modelVersion == null) {
                throw new IllegalStateException("program, workDir and modelVersion are required");
            }
            Map<Path, String> mounts = new LinkedHashMap<>();
            String program = visible(mounts, programDir, PROGRAM_MOUNT);
            String dataset = visible(mounts, inputs.dataset(), MOUNT_ROOT + "/input/dataset.csv");
            String script = inputs.preprocessingScript() == null ? null
                    : visible(mounts, inputs.preprocessingScript(), MOUNT_ROOT + "/input/preprocess.py");

            Files.createDirectories(workDir.resolve(MODEL_FILE).getParent());
            // A retry may reuse the directory: nothing of an earlier attempt may pass for this one's.
            Files.deleteIfExists(workDir.resolve(EVENTS_FILE));
            Files.deleteIfExists(workDir.resolve(MODEL_FILE));
            Files.write(workDir.resolve(SPEC_FILE), Json.write(spec(dataset, script)));
            return new TrainerInvocation(
                    List.of(python, program + "/" + TrainerProgram.MAIN, inWorkDir(SPEC_FILE)),
                    mounts, workDir);
        }

        private ObjectNode spec(String dataset, String script) {
            ObjectNode spec = Json.MAPPER.createObjectNode();
            spec.put("datasetPath", dataset);
            if (script != null) {
                spec.put("preprocessingScriptPath", script);
            }
            spec.put("problemType", workflow.problemType().wireName());
            spec.put("targetVariable", workflow.targetVariable());
            workflow.algorithms().forEach(spec.putArray("algorithms")::add);
            spec.put("scoring", workflow.scoring());
            spec.put("testSize", workflow.testSize());
            spec.put("randomSeed", workflow.randomSeed());
            spec.put("outputModelPath", inWorkDir(MODEL_FILE));
            spec.put("eventsPath", inWorkDir(EVENTS_FILE));
            if (binaryPath != null) {
                spec.put("binaryPath", binaryPath);
            }
            spec.put("modelName", workflow.modelName());
            spec.put("modelVersion", modelVersion);
            return spec;
        }

        /**
         * The path the trainer uses for a host file, adding its mount when the layout needs one. A
         * file in the run's directory needs none: the trainer finds it relative to its working
         * directory, which also lets a sandbox started before the run (a warm one) show it.
         */
        private String visible(Map<Path, String> mounts, Path host, String mounted) {
            if (layout == Layout.HOST) {
                return host.toAbsolutePath().toString();
            }
            Path absolute = host.toAbsolutePath().normalize();
            if (absolute.startsWith(workDir.normalize())) {
                return workDir.normalize().relativize(absolute).toString();
            }
            mounts.put(host.toAbsolutePath(), mounted);
            return mounted;
        }

        /** Relative under MOUNTED: the sandbox's working directory is the run's directory. */
        private String inWorkDir(String name) {
            return layout == Layout.HOST ? workDir.resolve(name).toString() : name;
        }
    }
}
