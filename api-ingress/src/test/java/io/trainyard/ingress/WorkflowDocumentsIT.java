package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workflow documents ({@code .wf}) are checked with the worker's rules when uploaded or saved:
 * a bad one is a 400 in MLW's shape naming the field, and nothing is stored. A task of a good one
 * starts with the document's MLW properties.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class WorkflowDocumentsIT {
    static TestIngress ingress;
    static String project;
    static String resources;
    static String dataset;
    static String script;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
        project = tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"docs\"}"))
                .get("id").asText();
        resources = "/service/mlw/projects/" + project + "/resources";
        dataset = tree(ingress.upload(resources, ingress.admin(), "d.csv", "x,label\n1,a\n2,b\n")).get("id").asText();
        script = tree(ingress.upload(resources, ingress.admin(), "p.py", "def preprocess(df):\n    return df\n"))
                .get("id").asText();
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    static JsonNode tree(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    static String document(String datasetId, String extra) {
        return "{\"datasetResourceId\":\"" + datasetId + "\",\"problemType\":\"Classification\","
                + "\"targetVariable\":\"label\",\"modelName\":\"labelModel\"" + extra + "}";
    }

    /** Uploads {@code content} as a workflow and expects a 400 naming {@code field}. */
    static JsonNode refused(String content, String field) throws Exception {
        HttpResponse<String> response = ingress.upload(resources, ingress.admin(), "bad.wf", content);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = tree(response);
        assertThat(body.get("errorCode").asInt()).isEqualTo(400);
        assertThat(body.get("exception").asText()).isEqualTo("Invalid parameters");
        assertThat(body.get("message").asText()).startsWith("Invalid parameter " + field + ": ");
        return body;
    }

    @Test
    void aDocumentBreakingARuleIsRefusedNamingTheField() throws Exception {
        assertThat(refused(document(dataset, ",\"testSize\":1.5"), "testSize").get("message").asText())
                .isEqualTo("Invalid parameter testSize: must be between 0 and 1 (exclusive), not 1.5");
        assertThat(refused(document(dataset, ",\"algorithms\":[\"svm\",\"xgboost\"]"), "algorithms")
                .get("message").asText()).contains("unknown algorithm 'xgboost' for classification");
        refused(document(dataset, ",\"scoring\":\"r2\""), "scoring");
        refused(document(dataset, ",\"randomSeed\":-1"), "randomSeed");
        refused(document(dataset, "").replace("Classification", "clustering"), "problemType");
        refused(document(dataset, "").replace("\"targetVariable\":\"label\",", ""), "targetVariable");
        refused("{\"datasetResourceId\": ", "workflow");
        refused("[1, 2]", "workflow");

        // Nothing refused was stored.
        assertThat(tree(ingress.get(resources, ingress.reader())).get("WORKFLOW").findValuesAsText("name"))
                .doesNotContain("bad.wf");
    }

    @Test
    void theDatasetAndScriptMustBeResourcesOfTheProjectOfTheRightKind() throws Exception {
        assertThat(refused(document("no-such-dataset", ""), "datasetResourceId").get("message").asText())
                .contains("no resource 'no-such-dataset' in this project");
        assertThat(refused(document(script, ""), "datasetResourceId").get("message").asText())
                .contains("is CODE, not DATA");
        refused(document(dataset, ",\"preprocessingResourceId\":\"" + dataset + "\""), "preprocessingResourceId");

        String elsewhere = tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"other\"}"))
                .get("id").asText();
        HttpResponse<String> otherProject = ingress.upload("/service/mlw/projects/" + elsewhere + "/resources",
                ingress.admin(), "w.wf", document(dataset, ""));
        assertThat(otherProject.statusCode()).isEqualTo(400);
        assertThat(tree(otherProject).get("message").asText()).startsWith("Invalid parameter datasetResourceId");
    }

    @Test
    void savingAWorkflowChecksItTooAndATaskStartsWithItsProperties() throws Exception {
        HttpResponse<String> uploaded = ingress.upload(resources, ingress.admin(), "good.wf",
                document(dataset, ",\"preprocessingResourceId\":\"" + script + "\""));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        String workflow = tree(uploaded).get("id").asText();
        assertThat(tree(uploaded).get("type").asText()).isEqualTo("WORKFLOW");

        HttpResponse<String> badSave = ingress.json("PUT", resources + "/" + workflow + "/save", ingress.admin(),
                Json.writeString(Map.of("content", document(dataset, ",\"testSize\":0"))));
        assertThat(badSave.statusCode()).isEqualTo(400);
        assertThat(tree(badSave).get("message").asText()).startsWith("Invalid parameter testSize");
        assertThat(ingress.get(resources + "/" + workflow + "/download", ingress.reader()).body())
                .contains(script).doesNotContain("\"testSize\":0");

        JsonNode task = tree(ingress.json("POST", resources + "/" + workflow + "/workflow", ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"props\"}"));
        assertThat(task.get("type").asText()).isEqualTo("WORKFLOW");
        assertThat(task.path("testSize").isNumber()).as("no testSize in the request, no run yet").isFalse();
        JsonNode properties = task.get("properties");
        assertThat(properties.findValuesAsText("key")).containsExactly("targetVar", "problem_type", "dataSize",
                "model_name");
        assertThat(properties.get(0).get("value").asText()).isEqualTo("label");
        assertThat(properties.get(1).get("value").asText()).isEqualTo("Classification");
        assertThat(properties.get(2).get("value")).isEmpty();
        assertThat(properties.get(3).get("value").asText()).isEqualTo("labelModel");
    }
}
