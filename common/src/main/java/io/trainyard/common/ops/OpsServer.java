package io.trainyard.common.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operations endpoints of a service without an HTTP API of its own (worker, scheduler):
 * {@code /metrics} (Prometheus text), {@code /health/live}, {@code /health/ready}. Scrape traffic
 * only, so the JDK's built-in server is enough here. Live answers as long as the process serves;
 * ready names each check ({@code {"status":"DOWN","kafka":"UP","redis":"DOWN",...}}) and is 503
 * unless all are up.
 */
public final class OpsServer implements AutoCloseable {
    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    public static OpsServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        return start(port, registry, () -> Map.of("service", ready.getAsBoolean()));
    }

    /** {@code checks} names each part the service needs and whether it can work right now. */
    public static OpsServer start(int port, PrometheusMeterRegistry registry, Supplier<Map<String, Boolean>> checks) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
            server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                    registry.scrape()));
            server.createContext("/health/live", ex -> send(ex, 200, "application/json", "{\"status\":\"UP\"}"));
            server.createContext("/health/ready", ex -> {
                Map<String, Boolean> results = checks.get();
                boolean up = results.values().stream().allMatch(Boolean::booleanValue);
                Map<String, String> detail = new LinkedHashMap<>();
                detail.put("status", up ? "UP" : "DOWN");
                results.forEach((name, ok) -> detail.put(name, ok ? "UP" : "DOWN"));
                send(ex, up ? 200 : 503, "application/json", Json.writeString(detail));
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return new OpsServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the operations port " + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
