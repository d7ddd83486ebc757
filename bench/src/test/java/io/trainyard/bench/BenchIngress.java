package io.trainyard.bench;

import io.trainyard.common.json.Json;
import io.trainyard.devtools.FreePort;
import io.trainyard.ingress.HashPassword;
import io.trainyard.ingress.IngressSettings;
import java.io.IOException;
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

/** An ingress process for one workload, with an ADMIN user of the workload's own tenant, and the MLW calls made through it. */
record BenchIngress(JavaService process, Mlw mlw) implements AutoCloseable {
    static BenchIngress start(BenchContext ctx, String name, String tenant) throws IOException {
        String password = UUID.randomUUID().toString();
        Path users = ctx.cluster().dir.resolve(name + "-users.json");
        Files.write(users, Json.write(List.of(Map.of("tenant", tenant, "user", "admin",
                "passwordHash", HashPassword.hash(password), "roles", List.of("ADMIN")))));
        int port = FreePort.pick();
        Map<String, String> env = new HashMap<>(ctx.cluster().serviceEnv());
        env.put(IngressSettings.HTTP_PORT.env(), Integer.toString(port));
        env.put(IngressSettings.USERS_FILE.env(), users.toString());
        String auth = "Basic " + Base64.getEncoder().encodeToString((tenant + "/admin:" + password)
                .getBytes(StandardCharsets.UTF_8));
        JavaService ingress = JavaService.start(name, "io.trainyard.ingress.IngressMain", "512m", env, ctx.logs());
        try {
            awaitReady(ingress::requireAlive, port);
        } catch (RuntimeException e) {
            ingress.close();
            throw e;
        }
        return new BenchIngress(ingress, new Mlw(port, auth));
    }

    /** Waits (bounded) until the service on {@code port} answers ready, failing at once should it die. */
    static void awaitReady(Runnable alive, int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Scrape.ready(port)) {
            alive.run();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready within 120 s (port " + port + ")");
            }
            Pause.millis(100);
        }
    }

    /** The few MLW calls the workload makes. */
    record Mlw(int port, String authorization) {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
            return HTTP.send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> upload(String project, String fileName, String content) throws IOException, InterruptedException {
            String boundary = "----trainyard-startup";
            String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
            return HTTP.send(request("/projects/" + project + "/resources")
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        String id(HttpResponse<String> response) throws IOException {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("MLW answered " + response.statusCode() + ": " + response.body());
            }
            return Json.MAPPER.readTree(response.body()).path("id").asText();
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/service/mlw" + path))
                    .header("Authorization", authorization).timeout(Duration.ofSeconds(30));
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
