package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Chorus: log in for a session cookie, then run and stop a workfile (seed 002). */
@ExtendWith({RealKafka.class, RealRedis.class})
class ChorusIT {
    static TestIngress ingress;
    static String workfile;
    static String script;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
        String project = Json.MAPPER.readTree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"Public\"}").body()).get("id").asText();
        workfile = ingress.uploadWorkflow(project, "alpine_flow.wf");
        script = Json.MAPPER.readTree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                ingress.admin(), "s.py", "print(1)").body()).get("id").asText();
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    static String login(String user) {
        HttpResponse<String> response = ingress.send("POST", "/api/sessions", null, "application/x-www-form-urlencoded",
                ("username=" + ingress.tenant + "%2F" + user + "&password=" + TestIngress.PASSWORD)
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("_session_id=").contains("HttpOnly");
        return "Cookie:" + setCookie.substring(0, setCookie.indexOf(';'));
    }

    static JsonNode response(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Json.MAPPER.readTree(response.body()).get("response");
    }

    @Test
    void aWorkfileRunsAndStops() throws Exception {
        String session = login("admin");
        JsonNode idle = response(ingress.get("/api/workfiles/" + workfile, session), 200);
        assertThat(idle.get("status").asText()).isEqualTo("idle");
        assertThat(idle.get("file_name").asText()).isEqualTo("alpine_flow.wf");
        assertThat(idle.get("entity_type").asText()).isEqualTo("workfile");
        assertThat(idle.get("workspace").get("name").asText()).isEqualTo("Public");

        JsonNode running = response(ingress.send("POST", "/api/workfiles/" + workfile + "/run", session, null, null), 202);
        assertThat(running.get("status").asText()).isEqualTo("running");
        assertThat(MlwSubmitIT.tree(ingress.get("/service/mlw/tasks/" + running.get("task_id").asText(), ingress.admin()))
                .get("type").asText()).isEqualTo("WORKFLOW");

        HttpResponse<String> again = ingress.send("POST", "/api/workfiles/" + workfile + "/run", session, null, null);
        assertThat(again.statusCode()).isEqualTo(422);
        assertThat(Json.MAPPER.readTree(again.body()).at("/errors/fields/base/RUN_FAILED/message").asText())
                .contains("already running");

        JsonNode stopped = response(ingress.send("POST", "/api/workfiles/" + workfile + "/stop", session, null, null), 202);
        assertThat(stopped.get("status").asText()).isEqualTo("idle");
        assertThat(response(ingress.get("/api/workfiles/" + workfile, session), 200).get("status").asText())
                .isEqualTo("idle");
    }

    @Test
    void errorsComeInChorusShape() throws Exception {
        String session = login("admin");
        HttpResponse<String> missing = ingress.get("/api/workfiles/nope", session);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(missing.body()).at("/errors/record").asText()).isEqualTo("NOT_FOUND");

        HttpResponse<String> notRunnable = ingress.send("POST", "/api/workfiles/" + script + "/run", session, null, null);
        assertThat(notRunnable.statusCode()).isEqualTo(422);
        assertThat(Json.MAPPER.readTree(notRunnable.body()).at("/errors/fields/base/not_runnable").isObject()).isTrue();

        assertThat(ingress.get("/api/workfiles/" + workfile, null).statusCode()).isEqualTo(401);
        assertThat(ingress.get("/api/workfiles/" + workfile, "Cookie:_session_id=" + ingress.tenant + ".forged")
                .statusCode()).isEqualTo(401);
        HttpResponse<String> forbidden = ingress.send("POST", "/api/workfiles/" + workfile + "/run", login("reader"),
                null, null);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(forbidden.body()).at("/errors/message").asText()).contains("ADMIN");

        HttpResponse<String> badLogin = ingress.send("POST", "/api/sessions", null, "application/json",
                ("{\"username\":\"" + ingress.tenant + "/admin\",\"password\":\"nope\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(badLogin.statusCode()).isEqualTo(401);
        HttpResponse<String> blank = ingress.send("POST", "/api/sessions", null, "application/json", "{}".getBytes());
        assertThat(blank.statusCode()).isEqualTo(422);
        assertThat(Json.MAPPER.readTree(blank.body()).at("/errors/fields/username/BLANK").isObject()).isTrue();
    }

    @Test
    void sessionsAreScopedToTheirTenantAndEndOnLogout() throws Exception {
        String session = login("admin");
        assertThat(response(ingress.get("/api/sessions", session), 200).at("/user/tenant").asText())
                .isEqualTo(ingress.tenant);
        // Basic auth of another tenant reaches the same routes but not this tenant's workfiles.
        assertThat(ingress.get("/api/workfiles/" + workfile, ingress.otherAdmin()).statusCode()).isEqualTo(404);
        assertThat(ingress.send("DELETE", "/api/sessions", session, null, null).statusCode()).isEqualTo(200);
        assertThat(ingress.get("/api/workfiles/" + workfile, session).statusCode()).isEqualTo(401);
    }
}
