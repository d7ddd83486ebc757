package io.trainyard.common.training;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkflowSpecTest {
    private static final String FULL = """
            {"datasetResourceId": "ds-1", "preprocessingResourceId": "prep-1",
             "problemType": "Classification", "targetVariable": "species",
             "algorithms": ["random_forest", "svm"], "scoring": "f1_macro",
             "testSize": 0.3, "randomSeed": 7, "modelName": "irisModel", "comment": "ignored"}
            """;

    private static WorkflowSpec parse(String json) {
        return WorkflowSpec.parse(json.getBytes(UTF_8));
    }

    @Test
    void readsEveryField() {
        WorkflowSpec spec = parse(FULL);

        assertThat(spec.datasetResourceId()).isEqualTo("ds-1");
        assertThat(spec.preprocessing()).contains("prep-1");
        assertThat(spec.problemType()).isEqualTo(ProblemType.CLASSIFICATION);
        assertThat(spec.targetVariable()).isEqualTo("species");
        assertThat(spec.algorithms()).containsExactly("random_forest", "svm");
        assertThat(spec.scoring()).isEqualTo("f1_macro");
        assertThat(spec.testSize()).isEqualTo(0.3);
        assertThat(spec.randomSeed()).isEqualTo(7);
        assertThat(spec.modelName()).isEqualTo("irisModel");
    }

    @Test
    void fillsTheDefaults() {
        WorkflowSpec spec = parse("""
                {"datasetResourceId": "ds-1", "problemType": "regression", "targetVariable": "y",
                 "modelName": "m", "preprocessingResourceId": "", "algorithms": []}""");

        assertThat(spec.preprocessing()).isEmpty();
        assertThat(spec.algorithms()).isEqualTo(TrainingCatalog.algorithms(ProblemType.REGRESSION));
        assertThat(spec.scoring()).isEqualTo("r2");
        assertThat(spec.testSize()).isEqualTo(WorkflowSpec.DEFAULT_TEST_SIZE);
        assertThat(spec.randomSeed()).isEqualTo(WorkflowSpec.DEFAULT_RANDOM_SEED);
    }

    @Test
    void survivesARoundTripThroughItsDocument() {
        WorkflowSpec spec = parse(FULL);

        assertThat(WorkflowSpec.parse(spec.toJson())).isEqualTo(spec);
    }

    @Test
    void aRequestMayOverrideTheTestSizeButNotBreakIt() {
        WorkflowSpec spec = parse(FULL);

        assertThat(spec.withTestSize(0.25).testSize()).isEqualTo(0.25);
        assertThatThrownBy(() -> spec.withTestSize(1.0))
                .isInstanceOfSatisfying(InvalidWorkflowException.class, e -> assertThat(e.field()).isEqualTo("testSize"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            datasetResourceId       | "datasetResourceId": null                 | is required
            datasetResourceId       | "datasetResourceId": "../other"           | is not a resource id
            datasetResourceId       | "datasetResourceId": 12                   | must be a string
            preprocessingResourceId | "preprocessingResourceId": "a/b"          | is not a resource id
            problemType             | "problemType": "clustering"               | unknown problemType 'clustering'
            problemType             | "problemType": null                       | is required
            targetVariable          | "targetVariable": "  "                    | is required
            algorithms              | "algorithms": ["xgboost"]                 | unknown algorithm 'xgboost' for classification; known: logistic_regression
            algorithms              | "algorithms": ["ridge"]                   | unknown algorithm 'ridge' for classification
            algorithms              | "algorithms": ["svm", "svm"]              | 'svm' is listed twice
            algorithms              | "algorithms": "svm"                       | must be a list of names
            scoring                 | "scoring": "r2"                           | unknown scoring 'r2' for classification
            testSize                | "testSize": 0                             | must be between 0 and 1
            testSize                | "testSize": 1.5                           | must be between 0 and 1
            testSize                | "testSize": "0.2"                         | must be a number
            randomSeed              | "randomSeed": -1                          | must be between 0 and 4294967295
            randomSeed              | "randomSeed": 4294967296                  | must be between 0 and 4294967295
            randomSeed              | "randomSeed": 1.5                         | must be an integer
            modelName               | "modelName": ""                           | is required
            """)
    void namesTheBadField(String field, String override, String message) {
        // The override comes last: of two equal keys, the later one wins.
        String json = FULL.substring(0, FULL.lastIndexOf('}')) + ", " + override + "}";

        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(InvalidWorkflowException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith(field + ": ").contains(message);
                });
    }

    @Test
    void namesAMissingRequiredField() {
        assertThatThrownBy(() -> parse("""
                {"datasetResourceId": "ds-1", "problemType": "regression", "targetVariable": "y"}"""))
                .isInstanceOfSatisfying(InvalidWorkflowException.class,
                        e -> assertThat(e.getMessage()).isEqualTo("modelName: is required"));
    }

    @Test
    void refusesADocumentThatIsNotAJsonObject() {
        for (String bad : List.of("not json", "[1, 2]", "")) {
            assertThatThrownBy(() -> parse(bad))
                    .isInstanceOfSatisfying(InvalidWorkflowException.class,
                            e -> assertThat(e.field()).isEqualTo("workflow"));
        }
    }
}
