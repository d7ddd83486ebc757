package io.trainyard.ingress.internal.ui;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.webjars.WebJarVersionLocator;

/**
 * The console's browser code and styles: htmx, its SSE extension and ECharts from their WebJars
 * (versions found by the WebJars locator, so the pom is the one place they are named), and the
 * console's own stylesheet and script. Only these names are served; nothing else on the classpath.
 */
final class Assets {
    private static final WebJarVersionLocator WEBJARS = new WebJarVersionLocator();
    private static final Map<String, String> FILES = Map.of(
            "htmx.js", WEBJARS.fullPath("htmx.org", "dist/htmx.min.js"),
            "sse.js", WEBJARS.fullPath("htmx-ext-sse", "sse.js"),
            "echarts.js", WEBJARS.fullPath("echarts", "dist/echarts.min.js"),
            "console.css", "trainyard/ui/console.css",
            "console.js", "trainyard/ui/console.js");

    private Assets() {}

    static void serve(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        String path = FILES.get(name);
        if (path == null) {
            res.status(Status.NOT_FOUND_404).send("not found");
            return;
        }
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                res.status(Status.NOT_FOUND_404).send("not found");
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, name.endsWith(".css") ? "text/css; charset=utf-8"
                    : "text/javascript; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
            res.header("X-Content-Type-Options", "nosniff");
            res.send(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
