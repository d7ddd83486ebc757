package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.IngressSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos 6: at least 10,000 generated malformed, oversized, wrongly typed and hostile requests
 * ({@link FuzzRequests}, seeded, so a failure can be replayed) against an ingress: every answer
 * must be a 4xx in the documented shape of the dialect of its path, never a 5xx (nor a 2xx:
 * every request is wrong on purpose), nothing may be stored, and the heap after a full GC must
 * not grow (a leak per request would show as megabytes).
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HttpFuzzChaosIT {
    private static final long SEED = 6_000L;
    private static final int WARM_UP = 1_000;
    private static final int REQUESTS = 10_000;
    private static final int CLIENTS = 8;
    private static final int MAX_BODY = 16 * 1024;
    private static final int MAX_UPLOAD = 64 * 1024;
    /** Growth of the used heap (after full GCs) over the measured requests that counts as a leak. */
    private static final long HEAP_BOUND = 24L << 20;

    /** Answers by category and status, and every answer that broke the rules. */
    static final class Tally {
        final Map<String, Map<Integer, AtomicInteger>> byCategory = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger closedWithoutAnswer = new AtomicInteger();

        void count(String category, int status) {
            byCategory.computeIfAbsent(category, c -> new ConcurrentHashMap<>())
                    .computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        }

        Map<String, Map<Integer, Integer>> table() {
            Map<String, Map<Integer, Integer>> table = new TreeMap<>();
            byCategory.forEach((category, statuses) -> {
                Map<Integer, Integer> row = new TreeMap<>();
                statuses.forEach((status, n) -> row.put(status, n.get()));
                table.put(category, row);
            });
            return table;
        }

        long count(java.util.function.IntPredicate status) {
            return byCategory.values().stream().flatMap(m -> m.entrySet().stream())
                    .filter(e -> status.test(e.getKey())).mapToLong(e -> e.getValue().get()).sum();
        }
    }

    @Test
    void hostileRequestsGetOnlyDocumented4xxAndTheHeapStaysFlat() throws Exception {
        Figures figures = new Figures("http-fuzz");
        try (ChaosIngress ingress = ChaosIngress.start("fuzz", Map.of(
                IngressSettings.MAX_BODY_BYTES.env(), Integer.toString(MAX_BODY),
                IngressSettings.MAX_UPLOAD_BYTES.env(), Integer.toString(MAX_UPLOAD)));
             JedisPooled redis = RealRedis.client()) {
            String project = ingress.project("fuzz");
            String code = ingress.upload(project, "job.py", "print(1)\n");
            FuzzRequests generator = new FuzzRequests(SEED, FuzzTargets.of(ingress.tenant, project, code,
                    ChaosIngress.PASSWORD), MAX_BODY, MAX_UPLOAD);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();

            run(http, ingress.port(), generator, WARM_UP, new Tally());
            long before = usedHeapAfterGc();
            Tally tally = run(http, ingress.port(), generator, REQUESTS, new Tally());
            long after = usedHeapAfterGc();

            java.util.Set<String> methodLabels = methodLabels(http, ingress.port());
            TenantKeys keys = new TenantKeys(ingress.tenant);
            long tasks = redis.zcard(keys.tasks());
            int projects = ChaosIngress.ok(ingress.get("/service/mlw/projects")).size();
            figures.put("requests", tally.sent.get()).put("answered4xx", tally.count(s -> s >= 400 && s < 500))
                    .put("answered5xx", tally.count(s -> s >= 500)).put("answered2xx", tally.count(s -> s < 400 && s > 0))
                    .put("closedWithoutAnswer", tally.closedWithoutAnswer.get())
                    .put("violations", tally.violations.size()).put("tasksCreated", tasks)
                    .put("projectsAfter", projects)
                    .put("heapBeforeMiB", before >> 20).put("heapAfterMiB", after >> 20)
                    .put("heapGrowthKiB", (after - before) >> 10).put("methodLabels", methodLabels.size()).print();
            tally.table().forEach((category, statuses) -> System.out.println("  " + category + ": " + statuses));
            tally.violations.stream().limit(25).forEach(v -> System.out.println("  violation: " + v));

            assertThat(tally.sent.get()).isGreaterThanOrEqualTo(REQUESTS);
            assertThat(tally.violations).as("answers that were not a 4xx in the dialect's shape").isEmpty();
            assertThat(tasks).as("tasks created by the fuzz").isZero();
            assertThat(projects).as("projects after the fuzz").isEqualTo(1);
            assertThat(after - before).as("heap growth over %d requests", REQUESTS).isLessThan(HEAP_BOUND);
            // Every new label value is a new series kept for the life of the process: a client
            // inventing methods must not be able to grow them without bound.
            assertThat(methodLabels).as("method labels of the request metrics")
                    .isSubsetOf("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "OTHER");
        }
    }

    private static Tally run(HttpClient http, int port, FuzzRequests generator, int count, Tally tally)
            throws InterruptedException {
        AtomicInteger remaining = new AtomicInteger(count);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (remaining.getAndDecrement() > 0) {
                    FuzzRequest request;
                    synchronized (generator) {
                        request = generator.next();
                    }
                    send(http, port, request, tally);
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        return tally;
    }

    private static void send(HttpClient http, int port, FuzzRequest request, Tally tally) {
        tally.sent.incrementAndGet();
        int status;
        String body;
        try {
            if (request.isRaw()) {
                RawHttp.Reply reply = RawHttp.send(port, request.raw());
                status = reply.status();
                body = reply.body();
            } else {
                HttpResponse<String> response = http.send(build(port, request), HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                body = response.body();
            }
        } catch (IOException e) {
            status = 0;
            body = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        tally.count(request.category(), status);
        if (status == 0) {
            tally.closedWithoutAnswer.incrementAndGet();
            // Raw garbage may be dropped, and a body past the server's payload limit is not read, so
            // the connection may be reset before the client reads the 413 (RFC 9110 lets the server
            // close there). Anything else must be answered.
            boolean pastPayloadLimit = request.body() != null && request.body().length > Math.max(MAX_BODY, MAX_UPLOAD);
            if (!request.isRaw() && !pastPayloadLimit) {
                tally.violations.add("no answer (" + body + ") to " + request.describe());
            }
            return;
        }
        if (status < 400 || status >= 500) {
            tally.violations.add(status + " " + body + " to " + request.describe());
            return;
        }
        String problem = ErrorShapes.problem(ErrorShapes.candidates(request.target()), status, body);
        if (problem != null) {
            tally.violations.add(status + " not in the dialect's shape (" + problem + ") to " + request.describe());
        }
    }

    private static HttpRequest build(int port, FuzzRequest request) {
        HttpRequest.BodyPublisher publisher;
        if (request.body() == null) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else if (request.chunked()) {
            byte[] body = request.body();
            publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
        } else {
            publisher = HttpRequest.BodyPublishers.ofByteArray(request.body());
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + request.target()))
                .timeout(Duration.ofSeconds(30)).method(request.method(), publisher);
        for (String[] header : request.headers()) {
            builder.header(header[0], header[1]);
        }
        return builder.build();
    }

    /** The values of the {@code method} label of the ingress's request metrics, from its /metrics. */
    private static java.util.Set<String> methodLabels(HttpClient http, int port) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.Set<String> methods = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^trainyard_ingress_requests_seconds_count\\{[^}]*method=\"([^\"]*)\"",
                java.util.regex.Pattern.MULTILINE).matcher(metrics);
        while (m.find()) {
            methods.add(m.group(1));
        }
        return methods;
    }

    static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
