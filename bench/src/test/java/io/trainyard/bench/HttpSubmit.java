package io.trainyard.bench;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Workload 2: the ingress process under MLW execute submits (each one reserves a task name in
 * Redis, writes the task and its run, and answers after Kafka acknowledged the job). wrk at
 * saturation (closed loop), then the fixed-rate generator for latency percentiles. No worker
 * consumes these CODE jobs: this measures the submit path alone.
 */
final class HttpSubmit {
    static final String NAME = "http";
    static final String TENANT = "bench-http";

    private HttpSubmit() {}

    static void run(BenchContext ctx) throws IOException, InterruptedException {
        BenchOptions o = ctx.options();
        Report report = ctx.report();
        String password = UUID.randomUUID().toString();
        Path users = ctx.cluster().dir.resolve("users.json");
        Files.write(users, Json.write(List.of(Map.of("tenant", TENANT, "user", "admin",
                "passwordHash", HashPassword.hash(password), "roles", List.of("ADMIN")))));
        int port = FreePort.pick();
        Map<String, String> env = new HashMap<>(ctx.cluster().serviceEnv());
        env.put(IngressSettings.HTTP_PORT.env(), Integer.toString(port));
        env.put(IngressSettings.USERS_FILE.env(), users.toString());
        try (JavaService ingress = JavaService.start("ingress", "io.trainyard.ingress.IngressMain", "512m", env, ctx.logs())) {
            awaitReady(ingress, port);
            Pause.millis(3_000);
            long rssAtRest = ingress.rssBytes();
            report.figure("rssAtRest", "ingressBytes", rssAtRest);

            String authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (TENANT + "/admin:" + password).getBytes(StandardCharsets.UTF_8));
            String path = executePath(port, authorization);
            String url = "http://127.0.0.1:" + port + path;
            Path script = o.root().resolve("bench/http/submit.lua");
            String nonce = ctx.nonce();

            double loadBefore = ProcessMemory.loadAverage();
            Wrk.Result saturation = null;
            Map<String, Long> cpu = Map.of();
            if (Wrk.available()) {
                ctx.say("http: wrk warm-up, then " + o.httpSeconds() + " s at saturation");
                Wrk.run(script, url, 2, o.httpConnections(), Math.max(2, o.httpSeconds() / 3), authorization, "warm-" + nonce);
                CpuUse use = CpuUse.start(Map.of("ingress", List.of(ingress.pid())), true).withLoadGenerator();
                saturation = Wrk.run(script, url, 2, o.httpConnections(), o.httpSeconds(), authorization, "sat-" + nonce);
                cpu = use.since();
            } else {
                ctx.say("http: wrk is not installed (apt-get install wrk); the saturation phase is skipped");
            }
            // The saturation phase's writes usually start an AOF rewrite (a fork and a child
            // serializing the data set on these same cores): let it finish before the latency phase.
            ctx.cluster().awaitNoAofRewrite();
            double loadMiddle = ProcessMemory.loadAverage();
            ctx.say("http: " + o.httpSeconds() + " s at " + o.httpRate() + " requests/s");
            long forksBefore = ctx.cluster().redisForks();
            OpenLoopHttp.Outcome fixed = OpenLoopHttp.run(port, path, authorization, "fixed-" + nonce, o.httpRate(),
                    o.httpSeconds(), o.httpRateConnections());
            long rewrites = ctx.cluster().redisForks() - forksBefore;
            double loadAfter = ProcessMemory.loadAverage();
            long rssAfter = ingress.rssBytes();

            if (saturation != null) {
                report.figure(NAME, "saturationRequestsPerSecond", saturation.requestsPerSecond());
                report.figure(NAME, "saturationRequests", saturation.requests());
                report.figure(NAME, "saturationNon2xx", saturation.non2xx());
                report.figure(NAME, "saturationSocketErrors", saturation.socketErrors());
                report.figure(NAME, "saturationP50Millis", saturation.p50());
                report.figure(NAME, "saturationP99Millis", saturation.p99());
                report.figure(NAME, "saturationCpuMillis", cpu);
                String note = "wrk -t2 -c" + o.httpConnections() + " " + o.httpSeconds() + " s, p50 "
                        + Report.millis(saturation.p50()) + " p99 " + Report.millis(saturation.p99()) + ", "
                        + Report.load(loadBefore, loadMiddle);
                if (saturation.non2xx() + saturation.socketErrors() > 0) {
                    note += "; " + saturation.non2xx() + " non-2xx, " + saturation.socketErrors() + " socket errors";
                }
                report.row(NAME, "MLW execute submits at saturation", Report.count(saturation.requestsPerSecond())
                        + " req/s", ">= 25,000 req/s", note);
                report.row(NAME, "CPU per submit at saturation", "", "",
                        CpuUse.microsEach(cpu, saturation.requests(), "submit")
                                + " (the rest of the machine is everything else on the box)");
            } else {
                report.row(NAME, "MLW execute submits at saturation", "n/a", ">= 25,000 req/s", "wrk not installed");
            }
            Latencies l = fixed.latencies();
            report.figure(NAME, "fixedRate", o.httpRate());
            report.figure(NAME, "fixedAchievedRate", fixed.achievedRate());
            report.figure(NAME, "fixedOk", fixed.ok());
            report.figure(NAME, "fixedFailed", fixed.failed());
            report.figure(NAME, "fixedP50Millis", l.percentileMillis(50));
            report.figure(NAME, "fixedP99Millis", l.percentileMillis(99));
            report.figure(NAME, "fixedP999Millis", l.percentileMillis(99.9));
            report.figure(NAME, "fixedMaxMillis", l.maxMillis());
            report.figure(NAME, "fixedRedisAofRewrites", rewrites);
            report.figure(NAME, "load1mBefore", loadBefore);
            report.figure(NAME, "load1mAfter", loadAfter);
            report.figure(NAME, "ingressRssAfterBytes", rssAfter);
            String fixedNote = "open loop, " + o.httpRateConnections() + " connections, " + fixed.sent() + " requests in "
                    + String.format("%.1f", fixed.seconds()) + " s, " + Report.load(loadMiddle, loadAfter)
                    + (fixed.failed() > 0 ? "; " + fixed.failed() + " not 200" : "")
                    + "; redis-server AOF rewrites meanwhile: " + rewrites
                    + (fixed.achievedRate() < 0.95 * o.httpRate() ? "; answered only " + Report.count(fixed.achievedRate())
                    + "/s, so this is queueing" : "");
            report.row(NAME, "p50 at " + Report.count(o.httpRate()) + " req/s", Report.millis(l.percentileMillis(50)), "",
                    fixedNote);
            report.row(NAME, "p99 at " + Report.count(o.httpRate()) + " req/s", Report.millis(l.percentileMillis(99)),
                    "< 20 ms", "");
            report.row(NAME, "p99.9 at " + Report.count(o.httpRate()) + " req/s", Report.millis(l.percentileMillis(99.9)),
                    "", "max " + Report.millis(l.maxMillis()));
            ctx.say(String.format("http: fixed rate p50 %.2f ms p99 %.2f ms p99.9 %.2f ms, %d not 200",
                    l.percentileMillis(50), l.percentileMillis(99), l.percentileMillis(99.9), fixed.failed()));
        }
    }

    private static void awaitReady(JavaService ingress, int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Scrape.ready(port)) {
            ingress.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ingress was not ready within 120 s");
            }
            Pause.millis(100);
        }
    }

    /** Creates a project and a script resource; returns the path of the resource's execute endpoint. */
    private static String executePath(int port, String authorization) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port + "/service/mlw";
        HttpResponse<String> project = http.send(HttpRequest.newBuilder(URI.create(base + "/projects"))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String projectId = idOf(project);
        String boundary = "----trainyard-bench";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"noop.py\"\r\n"
                + "Content-Type: text/x-python\r\n\r\npass\n\r\n--" + boundary + "--\r\n";
        HttpResponse<String> resource = http.send(HttpRequest.newBuilder(
                        URI.create(base + "/projects/" + projectId + "/resources"))
                .header("Authorization", authorization).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        String path = "/service/mlw/projects/" + projectId + "/resources/" + idOf(resource) + "/execute";
        HttpResponse<String> probe = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"probe\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (probe.statusCode() != 200) {
            throw new IllegalStateException("a probe submit got " + probe.statusCode() + ": " + probe.body());
        }
        return path;
    }

    private static String idOf(HttpResponse<String> response) throws IOException {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("setting up the HTTP workload got " + response.statusCode() + ": "
                    + response.body());
        }
        JsonNode id = Json.MAPPER.readTree(response.body()).get("id");
        if (id == null) {
            throw new IllegalStateException("no id in " + response.body());
        }
        return id.asText();
    }
}
