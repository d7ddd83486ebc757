package io.trainyard.worker.internal.training;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.training.ProblemType;
import io.trainyard.common.training.TrainingCatalog;
import io.trainyard.common.training.WorkflowSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training program as the worker ships it (extracted from the jar) with real scikit-learn:
 * its own Python suite, the catalog the Java side validates against, and whole runs driven
 * through {@link TrainerInvocation} and read back through {@link TrainerReport}.
 */
class TrainerProgramIT {
    private static final String PYTHON = TrainerInvocation.DEFAULT_PYTHON;
    private static final long PROCESS_MINUTES = 10;

    @TempDir
    static Path tmp;
    static Path program;
    static ResourceFiles files;

    @BeforeAll
    static void installProgramAndDataset() throws Exception {
        program = TrainerProgram.extract(tmp.resolve("program"));
        files = new ResourceFiles(tmp.resolve("data"));
        Path iris = files.content("acme", "proj-1", "iris-csv");
        Files.createDirectories(iris.getParent());
        Finished export = run(List.of(PYTHON, "-c", "import sys; from sklearn.datasets import load_iris; "
                + "load_iris(as_frame=True).frame.to_csv(sys.argv[1], index=False)", iris.toString()), tmp, Map.of());
        assertThat(export.code()).as(export.output()).isZero();
        Path prep = files.content("acme", "proj-1", "prep-raises");
        Files.createDirectories(prep.getParent());
        Files.writeString(prep, "def preprocess(df):\n    raise ValueError('no petals today')\n");
    }

    @Test
    void thePythonSuitePassesAgainstTheExtractedProgram() throws Exception {
        Finished suite = run(List.of(PYTHON, "-m", "unittest", "discover", "-s", "src/test/python", "-v"),
                Path.of("."), Map.of("TRAINYARD_TRAINER", program.resolve(TrainerProgram.MAIN).toString(),
                        "PYTHONDONTWRITEBYTECODE", "1"));

        assertThat(suite.code()).as(suite.output()).isZero();
        assertThat(suite.output()).contains("OK").doesNotContain("FAILED");
    }

    @Test
    void theJavaCatalogIsThePrograms() throws Exception {
        Finished catalog = run(List.of(PYTHON, program.resolve(TrainerProgram.MAIN).toString(), "--catalog"),
                tmp, Map.of());
        assertThat(catalog.code()).as(catalog.output()).isZero();

        JsonNode table = Json.MAPPER.readTree(catalog.output().lines().filter(l -> l.startsWith("{"))
                .findFirst().orElseThrow());
        for (ProblemType type : ProblemType.values()) {
            JsonNode entry = table.get(type.wireName());
            assertThat(names(entry.get("algorithms"))).isEqualTo(TrainingCatalog.algorithms(type));
            assertThat(names(entry.get("scoring"))).isEqualTo(TrainingCatalog.scorings(type));
        }
    }

    @Test
    void aWorkflowTrainsAndItsReportBecomesRunFields() throws Exception {
        WorkflowSpec workflow = workflow("iris-csv", null);
        Path work = Files.createDirectories(tmp.resolve("run-ok"));
        TrainerInvocation invocation = TrainerInvocation.builder(workflow,
                        TrainerInputs.resolve(files, "acme", "proj-1", workflow))
                .program(program).workDir(work).layout(TrainerInvocation.Layout.HOST)
                .modelVersion("1").binaryPath("/service/mlw/projects/proj-1/resources/model-1").prepare();

        Finished trainer = run(invocation.command(), work, Map.of());

        TrainerReport report = TrainerReport.read(invocation.eventsFile());
        assertThat(trainer.code()).as(trainer.output()).isZero();
        assertThat(report.succeeded()).isTrue();
        assertThat(TrainerReport.parse(trainer.output())).usingRecursiveComparison().isEqualTo(report);
        Map<String, String> fields = report.resultFields(workflow);
        assertThat(Double.parseDouble(fields.get("accuracy"))).isGreaterThan(0.9);
        assertThat(fields).containsKeys("precision", "listOfModelAccuracy")
                .containsEntry("binaryPath", "/service/mlw/projects/proj-1/resources/model-1")
                .containsEntry("version", "1").containsEntry("dataSize", "[150,5]");
        assertThat(names(Json.MAPPER.readTree(fields.get("listOfModelAccuracy")).findValues("name")))
                .isEqualTo(TrainingCatalog.algorithms(ProblemType.CLASSIFICATION));
        assertThat(invocation.modelFile()).isNotEmptyFile();
    }

    @Test
    void aFailingPreprocessingScriptEndsWithItsStageAndCause() throws Exception {
        WorkflowSpec workflow = workflow("iris-csv", "prep-raises");
        Path work = Files.createDirectories(tmp.resolve("run-bad"));
        TrainerInvocation invocation = TrainerInvocation.builder(workflow,
                        TrainerInputs.resolve(files, "acme", "proj-1", workflow))
                .program(program).workDir(work).layout(TrainerInvocation.Layout.HOST).modelVersion("1").prepare();

        Finished trainer = run(invocation.command(), work, Map.of());

        assertThat(trainer.code()).isEqualTo(2);
        assertThat(TrainerReport.read(invocation.eventsFile()).failureMessage("exit code 2")).isEqualTo(
                "Training failed at preprocess: preprocess(df) raised ValueError: no petals today (line 2)");
        assertThat(invocation.modelFile()).doesNotExist();
    }

    @Test
    void theMountedLayoutTrainsInsideBubblewrap() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap is not installed");
        WorkflowSpec workflow = workflow("iris-csv", null);
        Path work = Files.createDirectories(tmp.resolve("run-bwrap"));
        TrainerInvocation invocation = TrainerInvocation.builder(workflow,
                        TrainerInputs.resolve(files, "acme", "proj-1", workflow))
                .program(program).workDir(work).modelVersion("1").prepare();
        List<String> sandbox = new ArrayList<>(List.of("/usr/bin/bwrap", "--unshare-all", "--die-with-parent",
                "--ro-bind", "/usr", "/usr", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
                "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"));
        for (String dir : List.of("/bin", "/lib", "/lib64")) {
            Path path = Path.of(dir);
            if (Files.isSymbolicLink(path)) {
                sandbox.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), dir));
            } else if (Files.isDirectory(path)) {
                sandbox.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        sandbox.addAll(List.of("--bind", work.toString(), "/work", "--chdir", "/work"));
        invocation.readOnlyMounts().forEach((host, inside) ->
                sandbox.addAll(List.of("--ro-bind", host.toString(), inside)));
        Finished probe = run(concat(sandbox, List.of("/bin/true")), work, Map.of());
        assumeTrue(probe.code() == 0, "bubblewrap cannot create a sandbox here: " + probe.output());

        Finished trainer = run(concat(sandbox, invocation.command()), work, Map.of());

        assertThat(trainer.code()).as(trainer.output()).isZero();
        TrainerReport report = TrainerReport.read(invocation.eventsFile());
        assertThat(report.result().orElseThrow().binaryPath()).isEqualTo(TrainerInvocation.MODEL_FILE);
        assertThat(invocation.modelFile()).isNotEmptyFile();
    }

    private static WorkflowSpec workflow(String dataset, String preprocessing) {
        return new WorkflowSpec(dataset, preprocessing, ProblemType.CLASSIFICATION, "target", List.of(),
                null, 0.2, 42, "irisModel");
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static List<String> names(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::asText).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    record Finished(int code, String output) {}

    /** Runs a process to its end (bounded), stdout and stderr together. */
    private static Finished run(List<String> command, Path dir, Map<String, String> env)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(tmp, "process-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(PROCESS_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return new Finished(-1, "timed out after " + PROCESS_MINUTES + " minutes: " + command);
        }
        return new Finished(process.exitValue(), Files.readString(log, UTF_8));
    }
}
