package io.trainyard.common.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operations endpoints of a service without an HTTP API of its own (worker, scheduler):
 * {@code /metrics} (Prometheus text), {@code /health/live}, {@code /health/ready}. Scrape traffic
 * only, so the JDK's built-in server is enough here.
 */
public final class OpsServer implements AutoCloseable {
    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    public static OpsServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
            server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                    registry.scrape()));
            server.createContext("/health/live", ex -> send(ex, 200, "application/json", "{\"status\":\"UP\"}"));
            server.createContext("/health/ready", ex -> {
                boolean up = ready.getAsBoolean();
                send(ex, up ? 200 : 503, "application/json", up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
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
