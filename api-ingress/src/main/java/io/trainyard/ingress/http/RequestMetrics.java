package io.trainyard.ingress.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Times every request by route pattern (not raw path, so ids do not explode the series), method
 * and status. Recorded once the response is sent, so errors answered by the catch-all count
 * with their real status.
 */
public final class RequestMetrics implements Filter {
    private final MeterRegistry registry;

    public RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Timer.Sample sample = Timer.start(registry);
        String method = req.prologue().method().text();
        res.whenSent(() -> sample.stop(Timer.builder("trainyard.ingress.requests")
                .description("HTTP requests by route, method and status")
                .tag("route", req.matchingPattern().orElse("unmatched"))
                .tag("method", method)
                .tag("status", Integer.toString(res.status().code()))
                .publishPercentileHistogram()
                .register(registry)));
        chain.proceed();
    }
}
