package io.trainyard.ingress;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.trainyard.common.config.CommonSettings;
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
 * The ingress fixture of every test that needs one: an ingress in the test JVM on a free port,
 * with two fresh tenants (so tests sharing the one Redis never see each other's data), each with
 * an ADMIN user, and a READ-only user in the first. Two instances may share the tenants and the
 * data directory ({@link #alongside}), as a scaled-out ingress does.
 */
public final class TestIngress implements AutoCloseable {
    public static final String PASSWORD = "s3cret-pass";

    public final String tenant;
    public final String otherTenant;
    public final Path dataDir;
    public final Ingress ingress;
    private final Path usersFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TestIngress(String tenant, String otherTenant, Path dataDir, Path usersFile, Map<String, String> env) {
        this.tenant = tenant;
        this.otherTenant = otherTenant;
        this.dataDir = dataDir;
        this.usersFile = usersFile;
        this.ingress = Ingress.start(ConfigTable.load(IngressSettings.ALL, env));
    }

    /** An ingress on {@code bootstrap} and {@code redisUri}, with random tenant names; {@code overrides} win. */
    public static TestIngress start(String bootstrap, String redisUri, Map<String, String> overrides) {
        return start("t", bootstrap, redisUri, overrides);
    }

    /**
     * As {@link #start(String, String, String, Map)}, with the first tenant named after
     * {@code scenario} (a chaos scenario's logs and keys are then easy to find).
     */
    public static TestIngress start(String scenario, String bootstrap, String redisUri, Map<String, String> overrides) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenant = scenario.length() == 1 ? scenario + suffix : scenario + "-" + suffix;
        String otherTenant = "o" + UUID.randomUUID().toString().substring(0, 8);
        try {
            Path dataDir = Files.createTempDirectory("trainyard-ingress-");
            // A low bcrypt cost keeps the tests fast; production hashes use HashPassword's cost.
            String hash = BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
            Path usersFile = dataDir.resolve("users.json");
            Files.write(usersFile, Json.write(List.of(
                    Map.of("tenant", tenant, "user", "admin", "passwordHash", hash, "roles", List.of("ADMIN")),
                    Map.of("tenant", tenant, "user", "reader", "passwordHash", hash, "roles", List.of("READ")),
                    Map.of("tenant", otherTenant, "user", "admin", "passwordHash", hash, "roles", List.of("ADMIN")))));
            return new TestIngress(tenant, otherTenant, dataDir, usersFile,
                    settings(bootstrap, redisUri, dataDir, usersFile, tenant, overrides));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A second ingress instance serving the same tenants and data directory; {@code overrides} win. */
    public TestIngress alongside(String bootstrap, String redisUri, Map<String, String> overrides) {
        return new TestIngress(tenant, otherTenant, dataDir, usersFile,
                settings(bootstrap, redisUri, dataDir, usersFile, tenant, overrides));
    }

    private static Map<String, String> settings(String bootstrap, String redisUri, Path dataDir, Path usersFile,
                                                String tenant, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                IngressSettings.HTTP_PORT.env(), "0",
                IngressSettings.USERS_FILE.env(), usersFile.toString(),
                CommonSettings.KAFKA_BOOTSTRAP.env(), bootstrap,
                CommonSettings.REDIS_URI.env(), redisUri,
                CommonSettings.DATA_DIR.env(), dataDir.toString(),
                // Its first tenant's ADMIN manages every tenant's users.
                IngressSettings.OPERATOR_TENANT.env(), tenant));
        env.putAll(overrides);
        return env;
    }

    public int port() {
        return ingress.port();
    }

    public String admin() {
        return tenant + "/admin:" + PASSWORD;
    }

    public String reader() {
        return tenant + "/reader:" + PASSWORD;
    }

    public String readerOf(String tenantName) {
        return tenantName + "/reader:" + PASSWORD;
    }

    public String otherAdmin() {
        return otherTenant + "/admin:" + PASSWORD;
    }

    /** An Authorization header value for {@code tenant/user:password}. */
    public static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + ingress.port() + path);
    }

    /**
     * Sends a request. {@code credentials} is {@code tenant/user:password} for Basic auth, or a
     * whole header value ({@code Bearer ...}, {@code Cookie:...}) when it starts with one.
     */
    public HttpResponse<String> send(String method, String path, String credentials, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (credentials != null && credentials.startsWith("Bearer ")) {
            request.header("Authorization", credentials);
        } else if (credentials != null && credentials.startsWith("Cookie:")) {
            request.header("Cookie", credentials.substring("Cookie:".length()));
        } else if (credentials != null) {
            request.header("Authorization", basic(credentials));
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

    public HttpResponse<String> json(String method, String path, String credentials, String json) {
        return send(method, path, credentials, "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> get(String path, String credentials) {
        return send("GET", path, credentials, null, null);
    }

    /** GETs raw bytes (a resource's download). */
    public HttpResponse<byte[]> bytes(String path, String credentials) {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", basic(credentials))
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
    public HttpResponse<String> upload(String path, String credentials, String fileName, String content) {
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
    public String uploadWorkflow(String projectId, String fileName) {
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
