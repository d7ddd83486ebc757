package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Roles x tenants x endpoints: the owner's ADMIN may, a READ user may only read (403 otherwise),
 * another tenant's ADMIN gets 404 everywhere (existence does not leak), and a caller without
 * credentials gets the dialect's refusal.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class AccessMatrixIT {
    static TestIngress ingress;
    static String project;
    static String script;
    static String workflow;
    static String task;
    static String run;
    static String training;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
        project = json(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"m\"}").body()).get("id").asText();
        String base = "/service/mlw/projects/" + project + "/resources";
        script = json(ingress.upload(base, ingress.admin(), "s.py", "print(1)").body()).get("id").asText();
        workflow = ingress.uploadWorkflow(project, "w.wf");
        JsonNode submitted = json(ingress.json("POST", base + "/" + script + "/execute", ingress.admin(), body()).body());
        task = submitted.get("id").asText();
        run = submitted.get("individualTasks").get(0).get("id").asText();
        training = json(ingress.json("POST", "/trainings", ingress.admin(), "{\"uuid\":\"" + workflow + "\"}").body())
                .get("id").asText();
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    static JsonNode json(String body) throws Exception {
        return Json.MAPPER.readTree(body);
    }

    static String body() {
        return "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"n-" + UUID.randomUUID() + "\"}";
    }

    /** One endpoint and the status each caller gets: owner ADMIN, owner READ, other tenant's ADMIN, nobody. */
    record Row(String method, String path, String json, int admin, int reader, int other, int nobody) {}

    @Test
    void everyCallerGetsWhatItsRoleAndTenantAllow() {
        String r = "/service/mlw/projects/" + project + "/resources/" + script;
        List<Row> rows = List.of(
                new Row("GET", "/service/mlw/projects/" + project, null, 200, 200, 404, 401),
                new Row("GET", r, null, 200, 200, 404, 401),
                new Row("GET", r + "/download", null, 200, 200, 404, 401),
                new Row("PUT", r + "/save", "{\"content\":\"print(2)\"}", 200, 403, 404, 401),
                new Row("POST", r + "/execute", "*", 200, 403, 404, 401),
                new Row("GET", "/service/mlw/tasks/" + task, null, 200, 200, 404, 401),
                new Row("GET", "/service/mlw/tasks/" + task + "/task/" + run, null, 200, 200, 404, 401),
                new Row("GET", "/trainings/" + training, null, 200, 200, 404, 403),
                new Row("POST", "/trainings/cancel/" + training, null, 200, 403, 404, 403),
                new Row("GET", "/api/workfiles/" + workflow, null, 200, 200, 404, 401),
                new Row("POST", "/api/workfiles/" + workflow + "/stop", null, 202, 403, 404, 401));
        List<String> wrong = new ArrayList<>();
        for (Row row : rows) {
            String[] callers = {ingress.admin(), ingress.reader(), ingress.otherAdmin(), null};
            int[] expected = {row.admin(), row.reader(), row.other(), row.nobody()};
            for (int i = 0; i < callers.length; i++) {
                String payload = "*".equals(row.json()) ? body() : row.json();
                int status = ingress.json(row.method(), row.path(), callers[i], payload).statusCode();
                if (status != expected[i]) {
                    wrong.add(row.method() + " " + row.path() + " as caller " + i + ": " + status + ", expected " + expected[i]);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }
}
