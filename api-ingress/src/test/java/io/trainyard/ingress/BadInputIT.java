package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad input gets a 4xx in MLW's shape naming the problem, never a 500. */
@ExtendWith({RealKafka.class, RealRedis.class})
class BadInputIT {
    static TestIngress ingress;
    static String execute;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of(IngressSettings.MAX_BODY_BYTES.env(), "2048"));
        String project = Json.MAPPER.readTree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"p\"}").body()).get("id").asText();
        String resource = Json.MAPPER.readTree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                ingress.admin(), "job.py", "print(1)").body()).get("id").asText();
        execute = "/service/mlw/projects/" + project + "/resources/" + resource + "/execute";
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    static JsonNode mlwError(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.get("errorCode").asInt()).isEqualTo(status);
        assertThat(body.has("exception")).isTrue();
        return body;
    }

    @Test
    void malformedJsonIs400() throws Exception {
        JsonNode body = mlwError(ingress.json("POST", execute, ingress.admin(), "{\"taskName\": "), 400);
        assertThat(body.get("message").asText()).startsWith("Malformed request body");
        mlwError(ingress.json("POST", execute, ingress.admin(), "[1,2]"), 400);
        mlwError(ingress.json("POST", execute, ingress.admin(), ""), 400);
    }

    @Test
    void wrongTypesName400TheField() throws Exception {
        JsonNode body = mlwError(ingress.json("POST", execute, ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":42}"), 400);
        assertThat(body.get("message").asText()).contains("taskName");
        body = mlwError(ingress.json("POST", execute, ingress.admin(),
                "{\"recurrence\":\"SOMETIMES\",\"cronExpression\":\"\",\"taskName\":\"a\"}"), 400);
        assertThat(body.get("message").asText()).contains("recurrence");
        body = mlwError(ingress.json("POST", execute, ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"taskName\":\"a\",\"timeoutSeconds\":\"soon\"}"), 400);
        assertThat(body.get("message").asText()).contains("timeoutSeconds");
        body = mlwError(ingress.json("POST", execute, ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"taskName\":\"a\",\"startDate\":\"yesterday\"}"), 400);
        assertThat(body.get("message").asText()).contains("startDate");
    }

    @Test
    void badNamesName400TheField() throws Exception {
        for (String name : new String[] {"a\\u0007b", "../etc", "a/b", "x".repeat(200)}) {
            JsonNode body = mlwError(ingress.json("POST", execute, ingress.admin(),
                    "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"" + name + "\"}"), 400);
            assertThat(body.get("message").asText()).contains("taskName");
        }
        JsonNode body = mlwError(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"bad\\nname\"}"), 400);
        assertThat(body.get("message").asText()).contains("name");
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        String big = "{\"taskName\":\"" + "x".repeat(4096) + "\"}";
        JsonNode body = mlwError(ingress.json("POST", execute, ingress.admin(), big), 413);
        assertThat(body.get("message").asText()).contains("2048");

        // Without a Content-Length (chunked), the body is cut off as it passes the limit.
        HttpRequest chunked = HttpRequest.newBuilder(ingress.uri(execute))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString(ingress.admin().getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build();
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(chunked, HttpResponse.BodyHandlers.ofString());
        mlwError(response, 413);
    }

    @Test
    void unknownProjectsResourcesAndRoutesAre404() throws Exception {
        mlwError(ingress.json("POST", "/service/mlw/projects/nope/resources/nope/execute", ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"a\"}"), 404);
        mlwError(ingress.json("POST", "/service/mlw/projects/..%2F..%2Fetc/resources/x/execute", ingress.admin(),
                "{}"), 404);
        mlwError(ingress.get("/service/mlw/tasks/nope", ingress.admin()), 404);
        mlwError(ingress.get("/service/mlw/no-such-thing", ingress.admin()), 404);
    }

    @Test
    void requestsTheServerCannotParseGetJsonInMlwShape() throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", ingress.ingress.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /service/mlw/tasks HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(answer).contains("\"errorCode\":400").doesNotContain("Exception:").doesNotContain("\tat ");
        }
    }

    @Test
    void badPagingIs400() throws Exception {
        mlwError(ingress.get("/service/mlw/tasks?pageSize=0", ingress.admin()), 400);
        mlwError(ingress.get("/service/mlw/tasks?currentPage=x", ingress.admin()), 400);
    }
}
