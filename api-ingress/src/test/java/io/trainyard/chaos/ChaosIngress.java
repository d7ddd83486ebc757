package io.trainyard.chaos;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
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
 * An ingress in the test JVM on a free port, against the real broker and redis-server, with one
 * fresh tenant whose ADMIN user every request of the chaos suite authenticates as (and a READ-only
 * user, {@code reader}). Two instances
 * may share a tenant and a data directory ({@link #alongside}), as a scaled-out ingress does.
 */
final class ChaosIngress implements AutoCloseable {
    static final String PASSWORD = "chaos-pass";

    final String tenant;
    final Path dataDir;
    final Ingress ingress;
    private final Path usersFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ChaosIngress(String tenant, Path dataDir, Path usersFile, Map<String, String> overrides) {
        this.tenant = tenant;
        this.dataDir = dataDir;
        this.usersFile = usersFile;
        Map<String, String> env = new HashMap<>(Map.of(
                "TRAINYARD_HTTP_PORT", "0",
                "TRAINYARD_USERS_FILE", usersFile.toString(),
                "TRAINYARD_KAFKA_BOOTSTRAP", RealKafka.broker().bootstrapServers(),
                "TRAINYARD_REDIS_URI", redisUri(),
                "TRAINYARD_DATA_DIR", dataDir.toString()));
        env.putAll(overrides);
        this.ingress = Ingress.start(ConfigTable.load(IngressSettings.ALL, env));
    }

    /** A new tenant (named after the scenario) with its own data directory. */
    static ChaosIngress start(String scenario, Map<String, String> overrides) {
        try {
            String tenant = scenario + "-" + UUID.randomUUID().toString().substring(0, 8);
            Path dataDir = Files.createTempDirectory("trainyard-chaos-" + scenario + "-");
            // A low bcrypt cost keeps thousands of requests cheap; production hashes use HashPassword's cost.
            String hash = BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
            Path users = dataDir.resolve("users.json");
            Files.write(users, Json.write(List.of(
                    Map.of("tenant", tenant, "user", "admin", "passwordHash", hash, "roles", List.of("ADMIN")),
                    Map.of("tenant", tenant, "user", "reader", "passwordHash", hash, "roles", List.of("READ")))));
            return new ChaosIngress(tenant, dataDir, users, overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A second ingress instance serving the same tenant and data directory. */
    ChaosIngress alongside(Map<String, String> overrides) {
        return new ChaosIngress(tenant, dataDir, usersFile, overrides);
    }

    static String redisUri() {
        return "redis://127.0.0.1:" + RealRedis.server().port();
    }

    int port() {
        return ingress.port();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + ingress.port() + path);
    }

    String basicAuth() {
        return "Basic " + Base64.getEncoder().encodeToString((tenant + "/admin:" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request as the tenant's ADMIN. */
    HttpResponse<String> send(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", basicAuth())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> json(String method, String path, String json) {
        return send(method, path, "application/json", json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) {
        return send("GET", path, null, null);
    }

    /** Creates a project; returns its id. */
    String project(String name) {
        return field(ok(json("POST", "/service/mlw/projects", "{\"name\":\"" + name + "\"}")), "id");
    }

    /** Uploads a resource into a project; returns its id. */
    String upload(String projectId, String fileName, String content) {
        String boundary = "----chaos" + UUID.randomUUID();
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + content + "\r\n--" + boundary + "--\r\n";
        return field(ok(send("POST", "/service/mlw/projects/" + projectId + "/resources",
                "multipart/form-data; boundary=" + boundary, body.getBytes(StandardCharsets.UTF_8))), "id");
    }

    /** The body of an MLW {@code execute} submit of a one-time task. */
    static String executeBody(String taskName, long timeoutSeconds) {
        return "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"" + taskName + "\""
                + (timeoutSeconds > 0 ? ",\"timeoutSeconds\":" + timeoutSeconds : "") + "}";
    }

    static String executePath(String projectId, String resourceId) {
        return "/service/mlw/projects/" + projectId + "/resources/" + resourceId + "/execute";
    }

    static JsonNode tree(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    static JsonNode ok(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return tree(response);
    }

    private static String field(JsonNode node, String name) {
        return node.get(name).asText();
    }

    @Override
    public void close() {
        ingress.close();
    }
}
