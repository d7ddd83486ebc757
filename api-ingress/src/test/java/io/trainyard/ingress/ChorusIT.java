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

/**
 * Chorus: log in for a session cookie, then run and stop a workfile (seed 002), known by a stable
 * integer id, in the seed's full shape, with the session moving to a new cookie on each answer.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class ChorusIT {
    static TestIngress ingress;
    static String workfile;
    static String script;
    static String project;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
        project = Json.MAPPER.readTree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
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

    @Test
    void everyChorusEntityHasAStableIntegerIdAndTheRouteTakesIt() throws Exception {
        String session = login("admin");
        JsonNode byTrainyardId = response(ingress.get("/api/workfiles/" + workfile, session), 200);
        JsonNode id = byTrainyardId.get("id");
        assertThat(id.isIntegralNumber()).as(byTrainyardId.toString()).isTrue();
        assertThat(id.asLong()).isGreaterThanOrEqualTo(1_000_000L);
        JsonNode byChorusId = response(ingress.get("/api/workfiles/" + id.asLong(), session), 200);
        assertThat(byChorusId.get("id").asLong()).isEqualTo(id.asLong());
        assertThat(byChorusId.get("file_name").asText()).isEqualTo("alpine_flow.wf");
        for (String pointer : new String[] {"/workspace/id", "/workspace/owner/id", "/owner/id",
            "/workspace/sandbox_info/id", "/execution_locations/0/id", "/execution_locations/0/data_source/id"}) {
            assertThat(byChorusId.at(pointer).isIntegralNumber()).as(pointer).isTrue();
            assertThat(byChorusId.at(pointer).asLong()).as(pointer).isEqualTo(byTrainyardId.at(pointer).asLong());
        }
        // A workspace is the project, with its real name, counts and creator.
        assertThat(byChorusId.at("/workspace/name").asText()).isEqualTo("Public");
        // At least the workflow, its dataset and the script (another test may add more meanwhile).
        assertThat(byChorusId.at("/workspace/workfiles_count").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(byChorusId.at("/workspace/datasets_count").asInt()).isGreaterThanOrEqualTo(1)
                .isLessThan(byChorusId.at("/workspace/workfiles_count").asInt());
        assertThat(byChorusId.at("/workspace/owner/username").asText()).isEqualTo("admin");
        assertThat(byChorusId.at("/owner/id").asLong()).isEqualTo(byChorusId.at("/workspace/owner/id").asLong());
        assertThat(byChorusId.at("/owner/roles").toString()).contains("data_admin");
        for (String field : new String[] {"latest_version_id", "is_deleted", "description", "link_url"}) {
            assertThat(byChorusId.has(field)).as(field).isTrue();
        }
        // The script is a workfile of the same workspace, numbered on its own.
        long scriptId = response(ingress.get("/api/workfiles/" + script, session), 200).get("id").asLong();
        assertThat(scriptId).isNotEqualTo(id.asLong());
        assertThat(response(ingress.get("/api/workfiles/" + scriptId, session), 200).get("file_type").asText())
                .isEqualTo("code");
        assertThat(ingress.get("/api/workfiles/" + (id.asLong() + 1_000_000), session).statusCode()).isEqualTo(404);
        // Another tenant's Chorus ids are its own: this one's id is not found there.
        assertThat(ingress.get("/api/workfiles/" + id.asLong(), ingress.otherAdmin()).statusCode()).isEqualTo(404);
    }

    @Test
    void answersCarryChorusHeadersAndANewSessionCookie() throws Exception {
        String session = login("admin");
        HttpResponse<String> first = ingress.get("/api/workfiles/" + workfile, session);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(first.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).matches("_session_id=[^;]+; path=/; HttpOnly");
        String rotated = "Cookie:" + setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(rotated).isNotEqualTo(session);

        HttpResponse<String> second = ingress.get("/api/workfiles/" + workfile, rotated);
        assertThat(second.statusCode()).isEqualTo(200);
        String again = second.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(again.substring(0, again.indexOf(';'))).isNotEqualTo(rotated.substring("Cookie:".length()));
        // The earlier value is the same session (as a Rails cookie is): it still passes.
        assertThat(ingress.get("/api/workfiles/" + workfile, session).statusCode()).isEqualTo(200);
        // Errors are Chorus's JSON too; Basic auth has no session to rotate.
        HttpResponse<String> missing = ingress.get("/api/workfiles/nope", rotated);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(ingress.get("/api/workfiles/" + workfile, ingress.admin()).headers().firstValue("Set-Cookie"))
                .isEmpty();
        // Logging out under the new value ends the session under every value it had.
        assertThat(ingress.send("DELETE", "/api/sessions", rotated, null, null).statusCode()).isEqualTo(200);
        assertThat(ingress.get("/api/workfiles/" + workfile, session).statusCode()).isEqualTo(401);
        assertThat(ingress.get("/api/workfiles/" + workfile, rotated).statusCode()).isEqualTo(401);
    }

    @Test
    void aWorkfileFollowsATrainingOfItsWorkflowStartedOverMlw() throws Exception {
        String flow = ingress.uploadWorkflow(project, "followed.wf");
        String session = login("admin");
        long chorusId = response(ingress.get("/api/workfiles/" + flow, session), 200).get("id").asLong();
        assertThat(response(ingress.get("/api/workfiles/" + chorusId, session), 200).get("status").asText())
                .isEqualTo("idle");
        JsonNode task = MlwSubmitIT.tree(ingress.json("POST", "/service/mlw/projects/" + project + "/resources/" + flow
                + "/workflow", ingress.admin(), "{\"taskName\":\"mlw-train-" + chorusId
                + "\",\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\"}"));
        JsonNode running = response(ingress.get("/api/workfiles/" + chorusId, session), 200);
        assertThat(running.get("status").asText()).isEqualTo("running");
        assertThat(running.get("task_id").asText()).isEqualTo(task.get("id").asText());
        // Running it over Chorus now is refused as for a Chorus run; stopping it stops the MLW run.
        assertThat(ingress.send("POST", "/api/workfiles/" + chorusId + "/run", session, null, null).statusCode())
                .isEqualTo(422);
        assertThat(response(ingress.send("POST", "/api/workfiles/" + chorusId + "/stop", session, null, null), 202)
                .get("status").asText()).isEqualTo("idle");
        assertThat(MlwSubmitIT.tree(ingress.get("/service/mlw/tasks/" + task.get("id").asText(), ingress.admin()))
                .at("/individualTasks/0/status").asText()).isIn("CANCELLED", "CANCELLING");
    }
}
