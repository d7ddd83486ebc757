package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** maiascore trainings (seed 003): JSON, XML and form bodies behind a bearer JWT. */
@ExtendWith({RealKafka.class, RealRedis.class})
class MaiascoreIT {
    static final String FORBIDDEN = "{\"code\":403,\"message\":\"Error - Forbidden\"}";
    static TestIngress ingress;
    static OctetSequenceKey key;
    static String workflow;
    static String project;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        key = new OctetSequenceKeyGenerator(256).keyID("k1").generate();
        Path keys = Files.createTempFile("trainyard-keys-", ".json");
        Files.writeString(keys, new JWKSet(key).toString(false));
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of(IngressSettings.TOKEN_KEYS_FILE.env(), keys.toString()));
        project = Json.MAPPER.readTree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"models\"}").body()).get("id").asText();
        workflow = ingress.uploadWorkflow(project, "train.wf");
        HttpResponse<String> login = ingress.json("POST", "/auth/local", null,
                "{\"identifier\":\"" + ingress.tenant + "/admin\",\"password\":\"" + TestIngress.PASSWORD + "\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        token = "Bearer " + Json.MAPPER.readTree(login.body()).get("jwt").asText();
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    /** A 200's body: maiascore answers the bare document (or list, or number), no envelope. */
    static JsonNode data(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    static String seedBody(String uuid) {
        return "{\"uuid\":\"" + uuid + "\",\"accuracy\":0,\"precission\":0,\"mae\":0,\"rmse\":0,"
                + "\"binaryPath\":\"string\",\"version\":\"string\",\"meta\":\"string\"}";
    }

    @Test
    void theSeedsCurlQueuesATraining() throws Exception {
        // Verbatim from the seed: a JSON body sent as application/x-www-form-urlencoded.
        JsonNode training = data(ingress.send("POST", "/trainings", token, "application/x-www-form-urlencoded",
                seedBody(workflow).getBytes(StandardCharsets.UTF_8)));
        for (String field : new String[] {"id", "uuid", "accuracy", "precission", "mae", "rmse", "binaryPath", "version",
                "meta", "published_at", "created_by", "updated_by", "status"}) {
            assertThat(training.has(field)).as(field).isTrue();
        }
        assertThat(training.get("uuid").asText()).isEqualTo(workflow);
        assertThat(training.get("created_by").asText()).isEqualTo("admin");
        assertThat(training.get("status").asText()).isEqualTo("QUEUED");

        String runId = MlwSubmitIT.tree(ingress.get("/service/mlw/tasks/" + training.get("id").asText(), ingress.admin()))
                .get("individualTasks").get(0).get("id").asText();
        assertThat(MlwSubmitIT.record(Topics.TRAINING_JOBS, runId).value()).isNotEmpty();
    }

    @Test
    void theSeedsCurlWithPlaceholderValuesIsKeptAsARecordedTraining() throws Exception {
        // The seed's body word for word: uuid and meta "string" name no workflow, so nothing runs
        // and the training is kept as sent.
        JsonNode training = data(ingress.send("POST", "/trainings", token, "application/x-www-form-urlencoded",
                seedBody("string").getBytes(StandardCharsets.UTF_8)));
        assertThat(training.get("uuid").asText()).isEqualTo("string");
        assertThat(training.get("binaryPath").asText()).isEqualTo("string");
        assertThat(training.get("meta").asText()).isEqualTo("string");
        assertThat(training.get("status").asText()).isEqualTo("RECORDED");
        JsonNode again = data(ingress.get("/trainings/" + training.get("id").asText(), token));
        assertThat(again.get("status").asText()).isEqualTo("RECORDED");
        assertThat(again.get("version").asText()).isEqualTo("string");
    }

    @Test
    void aMetaNamingAMissingWorkflowIsNotFound() throws Exception {
        HttpResponse<String> response = ingress.json("POST", "/trainings", token,
                "{\"uuid\":\"u\",\"meta\":\"nosuchproject/nosuchworkflow\"}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(response.body()).get("message").asText()).isEqualTo("Error - Not found");
    }

    @Test
    void xmlAndFormBodiesWorkToo() throws Exception {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><item><uuid>" + workflow + "</uuid><accuracy>0.5</accuracy>"
                + "<meta>from xml</meta></item>";
        JsonNode fromXml = data(ingress.send("POST", "/trainings", token, "application/xml", xml.getBytes(StandardCharsets.UTF_8)));
        assertThat(fromXml.get("meta").asText()).isEqualTo("from xml");
        assertThat(fromXml.get("accuracy").asDouble()).isEqualTo(0.5);

        JsonNode fromForm = data(ingress.send("POST", "/trainings", token, "application/x-www-form-urlencoded",
                ("uuid=" + workflow + "&version=v%202&mae=1.5").getBytes(StandardCharsets.UTF_8)));
        assertThat(fromForm.get("version").asText()).isEqualTo("v 2");

        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE item [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<item><uuid>&x;</uuid></item>";
        HttpResponse<String> refused = ingress.send("POST", "/trainings", token, "application/xml", xxe.getBytes());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).doesNotContain("root:").contains("DTDs are not accepted")
                .doesNotContain("not well-formed");
        HttpResponse<String> broken = ingress.send("POST", "/trainings", token, "application/xml", "<item><uuid>".getBytes());
        assertThat(broken.body()).contains("not well-formed");
        assertThat(ingress.send("POST", "/trainings", token, "application/json",
                "{\"uuid\":\"x\",\"accuracy\":\"high\"}".getBytes()).statusCode()).isEqualTo(400);
    }

    @Test
    void withoutAValidBearerTokenItIsForbidden() throws Exception {
        HttpResponse<String> none = ingress.send("POST", "/trainings", null, "application/json", seedBody(workflow).getBytes());
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).isEqualTo(FORBIDDEN);
        assertThat(ingress.get("/trainings", "Bearer not.a.token").body()).isEqualTo(FORBIDDEN);

        OctetSequenceKey otherKey = new OctetSequenceKeyGenerator(256).keyID("k1").generate();
        assertThat(ingress.get("/trainings", "Bearer " + sign(otherKey, ingress.tenant, "admin", 60_000)).statusCode())
                .isEqualTo(403);
        assertThat(ingress.get("/trainings", "Bearer " + sign(key, ingress.tenant, "admin", -60_000)).statusCode())
                .isEqualTo(403);
        assertThat(ingress.get("/trainings", "Bearer " + sign(key, ingress.tenant, "admin", 60_000)).statusCode())
                .isEqualTo(200);
        // Bearer tokens work on MLW's routes too: one principal, whatever the way in.
        assertThat(ingress.get("/service/mlw/tasks", "Bearer " + sign(key, ingress.tenant, "admin", 60_000)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void trainingsAreListedCountedFilteredReadAndCancelled() throws Exception {
        String first = data(ingress.json("POST", "/trainings", token, seedBody(workflow).replace("\"version\":\"string\"",
                "\"version\":\"a\""))).get("id").asText();
        data(ingress.json("POST", "/trainings", token, seedBody(workflow).replace("\"version\":\"string\"", "\"version\":\"b\"")));

        assertThat(data(ingress.get("/trainings?_limit=1&_sort=version:DESC&version_in=a&version_in=b", token))
                .get(0).get("version").asText()).isEqualTo("b");
        assertThat(data(ingress.get("/trainings/count?version_in=a&version_in=b", token)).asLong()).isEqualTo(2);
        assertThat(data(ingress.get("/trainings?version=a&_start=0", token))).hasSize(1);
        assertThat(data(ingress.get("/trainings?meta_contains=STR", token)).size()).isGreaterThanOrEqualTo(2);
        assertThat(data(ingress.get("/trainings?mae_gt=5", token))).isEmpty();

        assertThat(data(ingress.get("/trainings/" + first, token)).get("version").asText()).isEqualTo("a");
        assertThat(data(ingress.send("POST", "/trainings/cancel/" + first, token, null, null)).get("status").asText())
                .isEqualTo("CANCELLED");
        HttpResponse<String> again = ingress.send("POST", "/trainings/cancel/" + first, token, null, null);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(again.body()).get("message").asText()).isEqualTo("Error - Conflict");
        assertThat(Json.MAPPER.readTree(again.body()).at("/data/detail").asText()).contains("CANCELLED");

        HttpResponse<String> missing = ingress.get("/trainings/nope", token);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(missing.body()).get("message").asText()).isEqualTo("Error - Not found");
        assertThat(ingress.get("/trainings/" + first, ingress.otherAdmin()).statusCode()).isEqualTo(404);
        assertThat(ingress.get("/trainings?_limit=x", token).statusCode()).isEqualTo(400);
    }

    static String sign(OctetSequenceKey key, String tenant, String user, long expiresInMillis) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject(user).claim("tenant", tenant)
                        .expirationTime(new Date(System.currentTimeMillis() + expiresInMillis)).build());
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    /** One engine, one view: a workflow training started over MLW or Chorus is a training here too. */
    @Test
    void trainingsStartedOverMlwAndChorusAreListedCountedAndRead() throws Exception {
        String mlwFlow = ingress.uploadWorkflow(project, "over-mlw.wf");
        JsonNode overMlw = MlwSubmitIT.tree(ingress.json("POST", "/service/mlw/projects/" + project + "/resources/"
                + mlwFlow + "/workflow", ingress.admin(), MlwSubmitIT.body("mlw-training")));
        String chorusFlow = ingress.uploadWorkflow(project, "over-chorus.wf");
        HttpResponse<String> login = ingress.send("POST", "/api/sessions", null, "application/x-www-form-urlencoded",
                ("username=" + ingress.tenant + "%2Fadmin&password=" + TestIngress.PASSWORD).getBytes(StandardCharsets.UTF_8));
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        HttpResponse<String> run = ingress.send("POST", "/api/workfiles/" + chorusFlow + "/run",
                "Cookie:" + cookie.substring(0, cookie.indexOf(';')), null, null);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(202);
        String overChorus = Json.MAPPER.readTree(run.body()).at("/response/task_id").asText();
        String mlwId = overMlw.get("id").asText();

        List<String> listed = new ArrayList<>();
        data(ingress.get("/trainings?_limit=-1", token)).forEach(t -> listed.add(t.get("id").asText()));
        assertThat(listed).contains(mlwId, overChorus);
        assertThat(data(ingress.get("/trainings/count", token)).asLong()).isEqualTo(listed.size());
        assertThat(data(ingress.get("/trainings/count?id_in=" + mlwId + "&id_in=" + overChorus, token)).asLong())
                .isEqualTo(2);
        for (String id : List.of(mlwId, overChorus)) {
            JsonNode training = data(ingress.get("/trainings/" + id, token));
            assertThat(training.get("id").asText()).isEqualTo(id);
            assertThat(training.get("created_by").asText()).isEqualTo("admin");
            assertThat(training.get("status").asText()).isIn("QUEUED", "RUNNING");
        }
        // A script's task is no training.
        String script = Json.MAPPER.readTree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                ingress.admin(), "not-a-training.py", "print(1)").body()).get("id").asText();
        String scriptTask = MlwSubmitIT.tree(ingress.json("POST", "/service/mlw/projects/" + project + "/resources/"
                + script + "/execute", ingress.admin(), MlwSubmitIT.body("a-script"))).get("id").asText();
        assertThat(ingress.get("/trainings/" + scriptTask, token).statusCode()).isEqualTo(404);
        // Cancelled over maiascore, the MLW task's run is cancelled: the same work.
        assertThat(data(ingress.send("POST", "/trainings/cancel/" + mlwId, token, null, null)).get("status").asText())
                .isIn("CANCELLED", "CANCELLING");
        assertThat(MlwSubmitIT.tree(ingress.get("/service/mlw/tasks/" + mlwId, ingress.admin()))
                .at("/individualTasks/0/status").asText()).isIn("CANCELLED", "CANCELLING");
    }
}
