package io.trainyard.conformance;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.Ingress;
import io.trainyard.ingress.IngressSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real ingress (real Kafka, real redis-server) with a fresh tenant and what the seeds' requests
 * name: MLW's "Demo project" with a workflow resource (seed 000) and "blah project" with a script
 * (seed 001), a Chorus workspace with a workfile and a session (seed 002), a maiascore bearer
 * token (seed 003). Their values fill the golden requests' {@code {{placeholders}}}.
 */
final class ConformanceFixture implements AutoCloseable {
    private static final String PASSWORD = "conformance-pass";

    private final Ingress ingress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> values = new HashMap<>();

    private ConformanceFixture(Ingress ingress) {
        this.ingress = ingress;
    }

    static ConformanceFixture start() throws Exception {
        Path dir = Files.createTempDirectory("trainyard-conformance-");
        String tenant = "c" + UUID.randomUUID().toString().substring(0, 8);
        String hash = BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
        Path users = dir.resolve("users.json");
        Files.write(users, Json.write(List.of(
                Map.of("tenant", tenant, "user", "admin", "passwordHash", hash, "roles", List.of("ADMIN")))));
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, new JWKSet(new OctetSequenceKeyGenerator(256).keyID("k1").generate()).toString(false));
        Map<String, String> env = Map.of(
                IngressSettings.HTTP_PORT.env(), "0",
                IngressSettings.USERS_FILE.env(), users.toString(),
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), "redis://127.0.0.1:" + RealRedis.server().port(),
                CommonSettings.DATA_DIR.env(), Files.createDirectories(dir.resolve("data")).toString(),
                IngressSettings.TOKEN_KEYS_FILE.env(), keys.toString());
        ConformanceFixture fixture = new ConformanceFixture(Ingress.start(ConfigTable.load(IngressSettings.ALL, env)));
        fixture.values.put("tenant", tenant);
        fixture.prepare(tenant);
        return fixture;
    }

    private void prepare(String tenant) throws IOException {
        String auth = "Basic " + Base64.getEncoder().encodeToString((tenant + "/admin:" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        values.put("auth", auth);
        String demo = project(auth, "Demo project");
        values.put("demoProject", demo);
        values.put("workflow", uploadWorkflow(auth, demo, "yyy.wf"));
        String blah = project(auth, "blah project");
        values.put("blahProject", blah);
        values.put("script", upload(auth, blah, "script1.py", "print('script1')\n"));
        String publicProject = project(auth, "Public");
        values.put("workfile", uploadWorkflow(auth, publicProject, "alpine_flow.wf"));

        HttpResponse<String> login = send("POST", "/auth/local", Map.of("Content-Type", "application/json"),
                "{\"identifier\":\"" + tenant + "/admin\",\"password\":\"" + PASSWORD + "\"}");
        values.put("token", field(login, "jwt"));
        HttpResponse<String> session = send("POST", "/api/sessions",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "username=" + tenant + "%2Fadmin&password=" + PASSWORD);
        String cookie = session.headers().firstValue("Set-Cookie")
                .orElseThrow(() -> new IllegalStateException("no session cookie: " + session.body()));
        values.put("session", cookie.substring(0, cookie.indexOf(';')));
        // Chorus clients know a workfile by its integer id: ask Chorus for the uploaded one's.
        HttpResponse<String> workfile = send("GET", "/api/workfiles/" + values.get("workfile"),
                Map.of("Cookie", values.get("session")), null);
        values.put("workfile", Json.MAPPER.readTree(workfile.body()).at("/response/id").asText());
    }

    /** {@code text} with every {@code {{name}}} replaced by its value. */
    String fill(String text) {
        if (text == null) {
            return null;
        }
        String filled = text;
        for (var entry : values.entrySet()) {
            filled = filled.replace("{{" + entry.getKey() + "}}", entry.getValue());
        }
        if (filled.contains("{{")) {
            throw new IllegalStateException("no value for a placeholder in: " + filled);
        }
        return filled;
    }

    void remember(String name, String value) {
        values.put(name, value);
    }

    /** Replays a golden request, placeholders filled. */
    HttpResponse<String> replay(Golden.Request request) {
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach((k, v) -> headers.put(k, fill(v)));
        return send(request.method(), fill(request.path()), headers, fill(request.body()));
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingress.port() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(builder::header);
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String project(String auth, String name) throws IOException {
        return field(send("POST", "/service/mlw/projects", Map.of("Authorization", auth,
                "Content-Type", "application/json"), "{\"name\":\"" + name + "\"}"), "id");
    }

    private String uploadWorkflow(String auth, String project, String fileName) throws IOException {
        String dataset = upload(auth, project, "data-" + UUID.randomUUID() + ".csv", "x,label\n1,a\n2,b\n");
        return upload(auth, project, fileName, "{\"datasetResourceId\":\"" + dataset + "\","
                + "\"problemType\":\"classification\",\"targetVariable\":\"label\",\"modelName\":\"admsModel\"}");
    }

    private String upload(String auth, String project, String fileName, String content) throws IOException {
        String boundary = "----conformance" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
        return field(send("POST", "/service/mlw/projects/" + project + "/resources", Map.of("Authorization", auth,
                "Content-Type", "multipart/form-data; boundary=" + boundary), body), "id");
    }

    private static String field(HttpResponse<String> response, String name) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        JsonNode value = Json.MAPPER.readTree(response.body()).get(name);
        if (value == null) {
            throw new IllegalStateException(response.uri() + " answered no " + name + ": " + response.body());
        }
        return value.asText();
    }

    @Override
    public void close() {
        ingress.close();
    }
}
