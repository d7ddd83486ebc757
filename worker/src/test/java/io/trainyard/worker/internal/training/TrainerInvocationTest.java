package io.trainyard.worker.internal.training;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.training.WorkflowSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerInvocationTest {
    private static final WorkflowSpec WORKFLOW = WorkflowSpec.parse("""
            {"datasetResourceId": "ds-1", "preprocessingResourceId": "prep-1", "problemType": "classification",
             "targetVariable": "target", "algorithms": ["svm", "knn"], "testSize": 0.25, "randomSeed": 3,
             "modelName": "irisModel"}""".getBytes(UTF_8));

    @TempDir
    Path tmp;
    private ResourceFiles files;
    private Path work;

    @BeforeEach
    void resources() throws Exception {
        files = new ResourceFiles(tmp.resolve("data"));
        work = Files.createDirectories(tmp.resolve("run-1"));
    }

    private void store(String resourceId, String content) throws Exception {
        Path path = files.content("acme", "proj-1", resourceId);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
    }

    @Test
    void mountedLayoutShowsTheInputsUnderOneRootAndUsesTheRunDirectoryRelatively() throws Exception {
        store("ds-1", "a,target\n");
        store("prep-1", "def preprocess(df):\n    return df\n");
        TrainerInputs inputs = TrainerInputs.resolve(files, "acme", "proj-1", WORKFLOW);
        Path program = tmp.resolve("program");

        TrainerInvocation invocation = TrainerInvocation.builder(WORKFLOW, inputs)
                .program(program).workDir(work).modelVersion("run-1").binaryPath("/models/m1").prepare();

        assertThat(invocation.command()).containsExactly("/usr/bin/python3",
                "/trainyard/trainer/trainyard_trainer.py", "trainer-spec.json");
        assertThat(invocation.readOnlyMounts()).isEqualTo(Map.of(
                program.toAbsolutePath(), "/trainyard/trainer",
                files.content("acme", "proj-1", "ds-1"), "/trainyard/input/dataset.csv",
                files.content("acme", "proj-1", "prep-1"), "/trainyard/input/preprocess.py"));
        assertThat(Files.isDirectory(work.resolve("model"))).isTrue();
        assertThat(invocation.modelFile()).isEqualTo(work.toAbsolutePath().resolve("model/model.joblib"));
        assertThat(invocation.eventsFile()).isEqualTo(work.toAbsolutePath().resolve("trainer-events.jsonl"));

        JsonNode spec = Json.MAPPER.readTree(invocation.specFile().toFile());
        assertThat(spec).isEqualTo(Json.MAPPER.readTree("""
                {"datasetPath": "/trainyard/input/dataset.csv",
                 "preprocessingScriptPath": "/trainyard/input/preprocess.py",
                 "problemType": "classification", "targetVariable": "target", "algorithms": ["svm", "knn"],
                 "scoring": "accuracy", "testSize": 0.25, "randomSeed": 3,
                 "outputModelPath": "model/model.joblib", "eventsPath": "trainer-events.jsonl",
                 "binaryPath": "/models/m1", "modelName": "irisModel", "modelVersion": "run-1"}"""));
    }

    @Test
    void hostLayoutUsesTheHostsPathsAndMountsNothing() throws Exception {
        store("ds-1", "a,target\n");
        TrainerInputs inputs = new TrainerInputs(files.content("acme", "proj-1", "ds-1"), null);

        TrainerInvocation invocation = TrainerInvocation.builder(WORKFLOW, inputs)
                .program(tmp.resolve("program")).workDir(work).layout(TrainerInvocation.Layout.HOST)
                .python("/opt/py/bin/python3").modelVersion("2").prepare();

        assertThat(invocation.readOnlyMounts()).isEmpty();
        assertThat(invocation.command()).containsExactly("/opt/py/bin/python3",
                tmp.resolve("program/trainyard_trainer.py").toAbsolutePath().toString(),
                invocation.specFile().toString());
        JsonNode spec = Json.MAPPER.readTree(invocation.specFile().toFile());
        assertThat(spec.get("datasetPath").asText()).isEqualTo(inputs.dataset().toString());
        assertThat(spec.has("preprocessingScriptPath")).isFalse();
        assertThat(spec.has("binaryPath")).isFalse();
        assertThat(spec.get("outputModelPath").asText()).isEqualTo(invocation.modelFile().toString());
    }

    @Test
    void aMissingResourceFailsAtItsStage() throws Exception {
        assertThatThrownBy(() -> TrainerInputs.resolve(files, "acme", "proj-1", WORKFLOW))
                .isInstanceOfSatisfying(TrainingInputException.class, e -> {
                    assertThat(e.stage()).isEqualTo("read_data");
                    assertThat(e.getMessage()).isEqualTo("Training failed at read_data: the dataset resource "
                            + "'ds-1' does not exist in project 'proj-1'");
                });

        store("ds-1", "a,target\n");
        assertThatThrownBy(() -> TrainerInputs.resolve(files, "acme", "proj-1", WORKFLOW))
                .isInstanceOfSatisfying(TrainingInputException.class,
                        e -> assertThat(e.stage()).isEqualTo("preprocess"));
    }

    @Test
    void theBuilderNamesWhatIsMissing() {
        TrainerInputs inputs = new TrainerInputs(tmp.resolve("d.csv"), null);

        assertThatThrownBy(() -> TrainerInvocation.builder(WORKFLOW, inputs).workDir(work).prepare())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("modelVersion");
        assertThatThrownBy(() -> TrainerInvocation.builder(WORKFLOW, inputs).modelVersion(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPreviousAttemptsEventsAreClearedSoTheyAreNotReadAsThisOnes() throws Exception {
        Files.writeString(work.resolve(TrainerInvocation.EVENTS_FILE), "{\"event\":\"error\",\"stage\":\"fit\"}\n");

        TrainerInvocation invocation = TrainerInvocation.builder(WORKFLOW, new TrainerInputs(tmp.resolve("d.csv"), null))
                .program(tmp.resolve("program")).workDir(work).modelVersion("1").prepare();

        assertThat(TrainerReport.read(invocation.eventsFile()).failure()).isEmpty();
    }

    @Test
    void theProgramIsExtractedFromTheClasspath() throws Exception {
        Path dir = TrainerProgram.extract(tmp.resolve("program"));

        assertThat(dir.resolve(TrainerProgram.MAIN)).content(UTF_8).contains("def main(argv)");
        for (String name : TrainerProgram.FILES) {
            assertThat(dir.resolve(name)).isRegularFile();
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing).hasSize(TrainerProgram.FILES.size());
        }
        TrainerProgram.extract(dir);  // a second install replaces the files in place
    }

    @Test
    void theProgramListNamesEveryModuleOfTheTrainer() throws Exception {
        try (var sources = Files.list(Path.of("src/main/python"))) {
            assertThat(sources.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".py")))
                    .containsExactlyInAnyOrderElementsOf(TrainerProgram.FILES);
        }
    }
}
