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
 * HTTP as clients expect it: a wrong method on a known route is 405 with Allow, an over-long URI
 * is 414, and each MLW route words a missing Authorization as its seed does.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class HttpHygieneIT {
    static TestIngress ingress;
    static String project;
    static String script;
    static String workflow;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
        project = Json.MAPPER.readTree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"hygiene\"}").body()).get("id").asText();
        script = Json.MAPPER.readTree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                ingress.admin(), "s.py", "print(1)").body()).get("id").asText();
        workflow = ingress.uploadWorkflow(project, "w.wf");
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    @Test
    void aWrongMethodOnAKnownRouteIs405WithAllowInTheRoutesDialect() throws Exception {
        HttpResponse<String> mlw = ingress.send("PATCH", "/service/mlw/tasks", ingress.admin(), null, null);
        assertThat(mlw.statusCode()).as(mlw.body()).isEqualTo(405);
        assertThat(mlw.headers().firstValue("Allow")).hasValue("GET");
        JsonNode body = Json.MAPPER.readTree(mlw.body());
        assertThat(body.get("errorCode").asInt()).isEqualTo(405);
        assertThat(body.get("exception").asText()).isEqualTo("Method not allowed");

        HttpResponse<String> task = ingress.send("PUT", "/service/mlw/tasks/some-task", ingress.admin(), null, null);
        assertThat(task.statusCode()).isEqualTo(405);
        assertThat(task.headers().firstValue("Allow")).hasValue("DELETE, GET");

        HttpResponse<String> trainings = ingress.send("DELETE", "/trainings", null, null, null);
        assertThat(trainings.statusCode()).isEqualTo(405);
        assertThat(trainings.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(Json.MAPPER.readTree(trainings.body()).get("code").asInt()).isEqualTo(405);

        HttpResponse<String> cancel = ingress.send("GET", "/trainings/cancel/x", null, null, null);
        assertThat(cancel.statusCode()).isEqualTo(405);
        assertThat(cancel.headers().firstValue("Allow")).hasValue("POST");

        HttpResponse<String> chorus = ingress.send("DELETE", "/api/workfiles/x/run", null, null, null);
        assertThat(chorus.statusCode()).isEqualTo(405);
        assertThat(chorus.headers().firstValue("Allow")).hasValue("POST");
        assertThat(Json.MAPPER.readTree(chorus.body()).at("/errors/message").asText()).contains("not allowed");

        assertThat(ingress.get("/service/mlw/no-such-thing", ingress.admin()).statusCode()).isEqualTo(404);
        assertThat(ingress.send("DELETE", "/no/such/route", null, null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aFiveThousandCharacterUriIs414() throws Exception {
        HttpResponse<String> response = ingress.get("/service/mlw/tasks/" + "a".repeat(5000), ingress.admin());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(414);
        assertThat(response.body()).contains("URI too long").doesNotContain("Malformed request body");
    }

    @Test
    void eachMlwRouteWordsAMissingAuthorizationAsItsSeedDoes() throws Exception {
        String base = "/service/mlw/projects/" + project + "/resources/";
        String body = "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"t\"}";
        HttpResponse<String> workflowRun = ingress.json("POST", base + workflow + "/workflow", null, body);
        assertThat(workflowRun.statusCode()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(workflowRun.body())).isEqualTo(Json.MAPPER.readTree(
                "{\"error\":\"general/internalError\",\"message\":\"Not authorized!\","
                        + "\"info\":\"https://www.cumulocity.com/reference-guide/#error_reporting\"}"));

        HttpResponse<String> execute = ingress.json("POST", base + script + "/execute", null, body);
        assertThat(execute.statusCode()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(execute.body())).isEqualTo(Json.MAPPER.readTree(
                "{\"error\":\"general/internalError\",\"message\":\"No auth information found\","
                        + "\"info\":\"https://cumulocity.com/guides/reference/rest-implementation/#error_reporting\"}"));
    }
}
