package io.trainyard.ingress.internal.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text), {@code /health/live}, {@code /health/ready} and the OpenAPI
 * document at {@code /openapi.json}; none of them needs credentials.
 */
public final class OpsService implements HttpService {
    private final PrometheusMeterRegistry registry;
    private final Supplier<Map<String, Boolean>> checks;

    /** {@code checks} names each dependency and whether it answers right now. */
    public OpsService(PrometheusMeterRegistry registry, Supplier<Map<String, Boolean>> checks) {
        this.registry = registry;
        this.checks = checks;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(registry.scrape());
        });
        rules.get("/openapi.json", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, Responses.JSON);
            res.send(OpenApiDocument.bytes());
        });
        rules.get("/health/live", (req, res) -> Responses.ok(res, Map.of("status", "UP")));
        rules.get("/health/ready", (req, res) -> {
            Map<String, Boolean> results = checks.get();
            boolean up = results.values().stream().allMatch(Boolean::booleanValue);
            Map<String, String> detail = new java.util.LinkedHashMap<>();
            detail.put("status", up ? "UP" : "DOWN");
            results.forEach((name, ok) -> detail.put(name, ok ? "UP" : "DOWN"));
            Responses.json(res, up ? 200 : 503, detail);
        });
    }
}
