package io.trainyard.ingress.internal.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every request by route pattern (not raw path, so ids do not explode the series), method
 * and status. Recorded once the response is sent, so errors answered by the catch-all count
 * with their real status. Each series' timer is registered on its first request and kept: the
 * hot path is a map lookup, not a meter builder.
 */
public final class RequestMetrics implements Filter {
    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

    private record Series(String route, String method, int status) {}

    private final MeterRegistry registry;
    private final Map<Series, Timer> timers = new ConcurrentHashMap<>();

    public RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The method as a label: HTTP's own by name, any other as {@code OTHER}. A client may invent
     * methods without end, and every label value is a series (and a timer here) kept for the life
     * of the process.
     */
    static String methodLabel(String method) {
        return KNOWN_METHODS.contains(method) ? method : "OTHER";
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        res.whenSent(() -> timer(new Series(req.matchingPattern().orElse("unmatched"),
                methodLabel(req.prologue().method().text()), res.status().code()))
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
        chain.proceed();
    }

    private Timer timer(Series series) {
        Timer timer = timers.get(series);
        return timer != null ? timer : timers.computeIfAbsent(series, s -> Timer.builder("trainyard.ingress.requests")
                .description("HTTP requests by route, method and status")
                .tag("route", s.route())
                .tag("method", s.method())
                .tag("status", Integer.toString(s.status()))
                .publishPercentileHistogram()
                .register(registry));
    }
}
