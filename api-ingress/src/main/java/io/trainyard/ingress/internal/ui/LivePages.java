package io.trainyard.ingress.internal.ui;

import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.http.ApiException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The pages that update themselves: the Overview, Workers and a task's runs. Each page opens a stream of
 * server-sent events; the server renders the changed part again and sends it when it differs
 * from what it sent last (and at least every {@link #KEEP_ALIVE}), and htmx swaps it in.
 */
final class LivePages {
    private static final Duration OVERVIEW_EVERY = Duration.ofSeconds(2);
    private static final Duration RUNS_EVERY = Duration.ofMillis(500);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** A stream ends after this; htmx opens a new one, so a session that ended stops being served. */
    private static final Duration STREAM_LIFETIME = Duration.ofMinutes(10);

    private final ConsoleContext context;
    private Console console;

    LivePages(ConsoleContext context) {
        this.context = context;
    }

    void routing(io.helidon.webserver.http.HttpRules rules, Console console) {
        this.console = console;
        rules.get("/tasks/{taskID}/events", console.page(Role.READ, this::taskEvents))
                .get("/workers", console.page(Role.READ, this::workers))
                .get("/workers/events", console.page(Role.READ, (req, res, p) -> stream(res, "fleet", OVERVIEW_EVERY,
                        () -> context.pages().render("fleet", Map.of("fleet", context.fleet().read())))));
    }

    void overview(ServerRequest req, ServerResponse res, Principal principal) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chrome", console.chrome(req, principal, "overview"));
        params.put("overview", context.overview().of(principal.tenant()));
        params.put("fleet", context.fleet().read());
        context.pages().send(res, 200, "overview", params);
    }

    private void workers(ServerRequest req, ServerResponse res, Principal principal) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chrome", console.chrome(req, principal, "workers"));
        params.put("fleet", context.fleet().read());
        context.pages().send(res, 200, "workers", params);
    }

    void overviewEvents(ServerRequest req, ServerResponse res, Principal principal) {
        stream(res, "stats", OVERVIEW_EVERY, () -> context.pages().render("overview_stats",
                Map.of("overview", context.overview().of(principal.tenant()), "fleet", context.fleet().read())));
    }

    private void taskEvents(ServerRequest req, ServerResponse res, Principal principal) {
        String taskId = req.path().pathParameters().get("taskID");
        TaskDetail.load(context.store(), principal.tenant(), taskId)
                .orElseThrow(() -> ApiException.notFound("Task " + taskId));
        Chrome chrome = console.chrome(req, principal, "tasks");
        stream(res, "runs", RUNS_EVERY, () -> TaskDetail.load(context.store(), principal.tenant(), taskId)
                .map(detail -> context.pages().render("task_runs", Map.of("detail", detail, "chrome", chrome)))
                .orElse("<p>This task was deleted.</p>"));
    }

    private void stream(ServerResponse res, String event, Duration every, Supplier<String> render) {
        Pages.headers(res);
        long endAt = System.nanoTime() + STREAM_LIFETIME.toNanos();
        try (SseSink sink = res.sink(SseSink.TYPE)) {
            String last = null;
            long lastSent = 0;
            while (System.nanoTime() < endAt) {
                String html = render.get();
                if (!html.equals(last) || System.nanoTime() - lastSent > KEEP_ALIVE.toNanos()) {
                    sink.emit(SseEvent.builder().name(event).data(oneLine(html)).build());
                    last = html;
                    lastSent = System.nanoTime();
                }
                Thread.sleep(every); // the pace of a live page, not a wait for a condition
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The browser went away (page left or closed): the stream ends here.
        }
    }

    /**
     * An event's data is one line here: newlines become character references, which HTML reads
     * back as newlines (in output shown in {@code <pre>} too). Templates keep every tag on one line.
     */
    static String oneLine(String html) {
        return html.replace("\r\n", "&#10;").replace("\n", "&#10;").replace("\r", "&#13;");
    }
}
