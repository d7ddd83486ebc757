package io.trainyard.ingress;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.json.Json;
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
 * An ingress in the test JVM on a free port, with two fresh tenants (so tests sharing the one
 * Redis never see each other's data), each with an ADMIN and a READ-only user.
 */
final class TestIngress implements AutoCloseable {
    static final String PASSWORD = "s3cret-pass";

    final String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    final String otherTenant = "o" + UUID.randomUUID().toString().substring(0, 8);
    final Path dataDir;
    final Ingress ingress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestIngress(String bootstrap, String redisUri, Map<String, String> overrides) throws IOException {
        dataDir = Files.createTempDirectory("trainyard-ingress-");
        // A low bcrypt cost keeps the tests fast; production hashes use HashPassword's cost.
        String hash = BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
        List<Map<String, Object>> users = List.of(
                Map.of("tenant", tenant, "user", "admin", "passwordHash", hash, "roles", List.of("ADMIN")),
                Map.of("tenant", tenant, "user", "reader", "passwordHash", hash, "roles", List.of("READ")),
                Map.of("tenant", otherTenant, "user", "admin", "passwordHash", hash, "roles", List.of("ADMIN")));
        Path usersFile = dataDir.resolve("users.json");
        Files.write(usersFile, Json.write(users));
        Map<String, String> env = new HashMap<>(Map.of(
                "TRAINYARD_HTTP_PORT", "0",
                "TRAINYARD_USERS_FILE", usersFile.toString(),
                "TRAINYARD_KAFKA_BOOTSTRAP", bootstrap,
                "TRAINYARD_REDIS_URI", redisUri,
                "TRAINYARD_DATA_DIR", dataDir.toString()));
        env.putAll(overrides);
        ingress = Ingress.start(ConfigTable.load(IngressSettings.ALL, env));
    }

    static TestIngress start(String bootstrap, String redisUri, Map<String, String> overrides) {
        try {
            return new TestIngress(bootstrap, redisUri, overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String admin() {
        return tenant + "/admin:" + PASSWORD;
    }

    String reader() {
        return tenant + "/reader:" + PASSWORD;
    }

    String readerOf(String tenantName) {
        return tenantName + "/reader:" + PASSWORD;
    }

    String otherAdmin() {
        return otherTenant + "/admin:" + PASSWORD;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + ingress.port() + path);
    }

    /**
     * Sends a request. {@code credentials} is {@code tenant/user:password} for Basic auth, or a
     * whole header value ({@code Bearer ...}, {@code Cookie:...}) when it starts with one.
     */
    HttpResponse<String> send(String method, String path, String credentials, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (credentials != null && credentials.startsWith("Bearer ")) {
            request.header("Authorization", credentials);
        } else if (credentials != null && credentials.startsWith("Cookie:")) {
            request.header("Cookie", credentials.substring("Cookie:".length()));
        } else if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
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

    HttpResponse<String> json(String method, String path, String credentials, String json) {
        return send(method, path, credentials, "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path, String credentials) {
        return send("GET", path, credentials, null, null);
    }

    /** GETs raw bytes (a resource's download). */
    HttpResponse<byte[]> bytes(String path, String credentials) {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Uploads a file as multipart/form-data field "file". */
    HttpResponse<String> upload(String path, String credentials, String fileName, String content) {
        String boundary = "----trainyard" + UUID.randomUUID();
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + content + "\r\n--" + boundary + "--\r\n";
        return send("POST", path, credentials, "multipart/form-data; boundary=" + boundary,
                body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Uploads a small CSV dataset and a valid workflow document ({@code fileName}, a {@code .wf})
     * that trains on it into {@code projectId}; returns the workflow resource's id.
     */
    String uploadWorkflow(String projectId, String fileName) {
        String base = "/service/mlw/projects/" + projectId + "/resources";
        String dataset = idOf(upload(base, admin(), "data-" + UUID.randomUUID() + ".csv", "x,label\n1,a\n2,b\n"));
        return idOf(upload(base, admin(), fileName, "{\"datasetResourceId\":\"" + dataset + "\","
                + "\"problemType\":\"classification\",\"targetVariable\":\"label\",\"modelName\":\"m\"}"));
    }

    private static String idOf(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return Json.MAPPER.readTree(response.body()).get("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        ingress.close();
    }
}
