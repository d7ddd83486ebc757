package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** MLW projects and resources: names unique per tenant, content on the shared volume. */
@ExtendWith({RealKafka.class, RealRedis.class})
class ProjectsAndResourcesIT {
    static TestIngress ingress;

    @BeforeAll
    static void start() {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void projectsAreCreatedListedRenamedAndDeleted() throws Exception {
        JsonNode created = ok(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"Demo project\",\"description\":\"first\"}"));
        String id = created.get("id").asText();
        assertThat(created.get("name").asText()).isEqualTo("Demo project");

        HttpResponse<String> duplicate = ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"Demo project\"}");
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(duplicate.body()).get("exception").asText()).isEqualTo("Duplicate name");

        ok(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"Second\"}"));
        assertThat(ingress.json("PUT", "/service/mlw/projects/" + id, ingress.admin(), "{\"name\":\"Second\"}")
                .statusCode()).isEqualTo(409);
        JsonNode renamed = ok(ingress.json("PUT", "/service/mlw/projects/" + id, ingress.admin(), "{\"name\":\"Renamed\"}"));
        assertThat(renamed.get("name").asText()).isEqualTo("Renamed");
        assertThat(renamed.get("description").asText()).isEqualTo("first");
        // The old name is free again.
        ok(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"Demo project\"}"));

        assertThat(ok(ingress.get("/service/mlw/projects", ingress.reader()))).hasSize(3);
        ok(ingress.send("DELETE", "/service/mlw/projects/" + id, ingress.admin(), null, null));
        assertThat(ingress.get("/service/mlw/projects/" + id, ingress.admin()).statusCode()).isEqualTo(404);
        assertThat(ingress.json("POST", "/service/mlw/projects", ingress.reader(), "{\"name\":\"ro\"}").statusCode())
                .isEqualTo(403);
    }

    @Test
    void resourcesAreUploadedListedDownloadedSavedAndDeleted() throws Exception {
        String project = ok(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"files\"}"))
                .get("id").asText();
        String base = "/service/mlw/projects/" + project + "/resources";
        JsonNode script = ok(ingress.upload(base, ingress.admin(), "train.py", "print('a')\n"));
        assertThat(script.get("name").asText()).isEqualTo("train.py");
        assertThat(script.get("type").asText()).isEqualTo("CODE");
        assertThat(script.get("size").asLong()).isEqualTo(11);
        String id = script.get("id").asText();
        ok(ingress.upload(base, ingress.admin(), "data.csv", "a,b\n1,2\n"));

        JsonNode grouped = ok(ingress.get(base, ingress.reader()));
        assertThat(grouped.get("CODE")).hasSize(1);
        assertThat(grouped.get("DATA")).hasSize(1);
        assertThat(grouped.get("MODEL")).isEmpty();

        var content = new ResourceFiles(ingress.dataDir).content(ingress.tenant, project, id);
        assertThat(Files.readString(content)).isEqualTo("print('a')\n");
        HttpResponse<String> download = ingress.get(base + "/" + id + "/download", ingress.reader());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo("print('a')\n");
        assertThat(download.headers().firstValue("Content-Disposition").orElse("")).contains("train.py");

        JsonNode saved = ok(ingress.json("PUT", base + "/" + id + "/save", ingress.admin(), "{\"content\":\"print('b')\"}"));
        assertThat(saved.get("size").asLong()).isEqualTo(10);
        assertThat(Files.readString(content)).isEqualTo("print('b')");

        ok(ingress.send("DELETE", base + "/" + id, ingress.admin(), null, null));
        assertThat(ingress.get(base + "/" + id, ingress.admin()).statusCode()).isEqualTo(404);
        assertThat(Files.exists(content)).isFalse();
    }

    @Test
    void uploadsAreCheckedForTypeAndName() throws Exception {
        String project = ok(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"checks\"}"))
                .get("id").asText();
        String base = "/service/mlw/projects/" + project + "/resources";
        HttpResponse<String> unsupported = ingress.upload(base, ingress.admin(), "tool.exe", "MZ");
        assertThat(unsupported.statusCode()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(unsupported.body()).get("message").asText()).contains("Unsupported file type");

        // A client-side path is reduced to its last segment; it can never pick where the file goes.
        JsonNode stored = ok(ingress.upload(base, ingress.admin(), "../../evil.py", "print(1)"));
        assertThat(stored.get("name").asText()).isEqualTo("evil.py");

        HttpResponse<String> notMultipart = ingress.json("POST", base, ingress.admin(), "{}");
        assertThat(notMultipart.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(notMultipart.body()).get("message").asText()).contains("file");
    }

    @Test
    void executeNeedsAScriptAndWorkflowNeedsAWorkflow() throws Exception {
        String project = ok(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"kinds\"}"))
                .get("id").asText();
        String base = "/service/mlw/projects/" + project + "/resources/";
        String data = ok(ingress.upload(base.substring(0, base.length() - 1), ingress.admin(), "d.csv", "a\n1\n"))
                .get("id").asText();
        String flow = ok(ingress.upload(base.substring(0, base.length() - 1), ingress.admin(), "flow.wf",
                "{\"datasetResourceId\":\"" + data + "\",\"problemType\":\"classification\","
                        + "\"targetVariable\":\"a\",\"modelName\":\"m\"}")).get("id").asText();
        String body = "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"k\"}";
        assertThat(ingress.json("POST", base + data + "/execute", ingress.admin(), body).statusCode()).isEqualTo(400);

        JsonNode task = ok(ingress.json("POST", base + flow + "/workflow", ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"train\",\"testSize\":0.3}"));
        assertThat(task.get("type").asText()).isEqualTo("WORKFLOW");
        assertThat(task.get("workflowName").asText()).isEqualTo("flow.wf");
        assertThat(task.get("testSize").asDouble()).isEqualTo(0.3);
        assertThat(task.get("individualTasks").get(0).get("listOfModelAccuracy").isArray()).isTrue();
        assertThat(ingress.json("POST", base + flow + "/workflow", ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"taskName\":\"t2\",\"testSize\":1.5}").statusCode()).isEqualTo(400);
    }

    @Test
    void aProjectWithARunningTaskCannotBeDeleted() throws Exception {
        String project = ok(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"busy\"}"))
                .get("id").asText();
        String resource = ok(ingress.upload("/service/mlw/projects/" + project + "/resources", ingress.admin(),
                "s.py", "print(1)")).get("id").asText();
        ok(ingress.json("POST", "/service/mlw/projects/" + project + "/resources/" + resource + "/execute",
                ingress.admin(), "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"busy-task\"}"));
        HttpResponse<String> refused = ingress.send("DELETE", "/service/mlw/projects/" + project, ingress.admin(),
                null, null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(refused.body()).get("message").asText()).contains("running tasks");
    }
}
