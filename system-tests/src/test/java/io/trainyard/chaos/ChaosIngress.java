package io.trainyard.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.Ingress;
import io.trainyard.ingress.TestIngress;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.WorkerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * The chaos suite's view of a {@link TestIngress}: against the real broker (or the cluster the
 * overrides name) and redis-server, every request authenticated as the scenario tenant's ADMIN.
 */
final class ChaosIngress implements AutoCloseable {
    static final String PASSWORD = TestIngress.PASSWORD;

    final String tenant;
    final Path dataDir;
    final Ingress ingress;
    private final TestIngress base;

    private ChaosIngress(TestIngress base) {
        this.base = base;
        this.tenant = base.tenant;
        this.dataDir = base.dataDir;
        this.ingress = base.ingress;
    }

    /** A new tenant (named after the scenario) with its own data directory. */
    static ChaosIngress start(String scenario, Map<String, String> overrides) {
        return new ChaosIngress(TestIngress.start(scenario, bootstrap(overrides), redisUri(), overrides));
    }

    /** A second ingress instance serving the same tenant and data directory. */
    ChaosIngress alongside(Map<String, String> overrides) {
        return new ChaosIngress(base.alongside(bootstrap(overrides), redisUri(), overrides));
    }

    /** The single test broker unless the scenario names another cluster (which then is the only one started). */
    private static String bootstrap(Map<String, String> overrides) {
        String named = overrides.get(CommonSettings.KAFKA_BOOTSTRAP.env());
        return named != null ? named : RealKafka.broker().bootstrapServers();
    }

    /** A scheduler (reconciler included) on this suite's broker and Redis, with {@code settings} over the defaults. */
    static SchedulerService scheduler(String instanceId, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), redisUri(),
                SchedulerSettings.OPS_PORT.env(), "0",
                SchedulerSettings.INSTANCE_ID.env(), instanceId));
        env.putAll(settings);
        return SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, env), InstantSource.system(), () -> {});
    }

    /**
     * A worker process's environment on the test broker and redis-server: where to connect, the
     * data directory and an ephemeral ops port, with {@code settings} over them.
     */
    static Map<String, String> workerEnv(Path dataDir, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), redisUri(),
                CommonSettings.DATA_DIR.env(), dataDir.toString(),
                WorkerSettings.OPS_PORT.env(), "0"));
        env.putAll(settings);
        return Map.copyOf(env);
    }

    static String redisUri() {
        return "redis://127.0.0.1:" + RealRedis.server().port();
    }

    int port() {
        return base.port();
    }

    URI uri(String path) {
        return base.uri(path);
    }

    String basicAuth() {
        return TestIngress.basic(base.admin());
    }

    /** Sends a request as the tenant's ADMIN. */
    HttpResponse<String> send(String method, String path, String contentType, byte[] body) {
        return base.send(method, path, base.admin(), contentType, body);
    }

    HttpResponse<String> json(String method, String path, String json) {
        return base.json(method, path, base.admin(), json);
    }

    HttpResponse<String> get(String path) {
        return base.get(path, base.admin());
    }

    /** Creates a project; returns its id. */
    String project(String name) {
        return field(ok(json("POST", "/service/mlw/projects", "{\"name\":\"" + name + "\"}")), "id");
    }

    /** Uploads a resource into a project; returns its id. */
    String upload(String projectId, String fileName, String content) {
        return field(ok(base.upload("/service/mlw/projects/" + projectId + "/resources", base.admin(), fileName,
                content)), "id");
    }

    /** The body of an MLW {@code execute} submit of a one-time task. */
    static String executeBody(String taskName, long timeoutSeconds) {
        return "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"" + taskName + "\""
                + (timeoutSeconds > 0 ? ",\"timeoutSeconds\":" + timeoutSeconds : "") + "}";
    }

    static String executePath(String projectId, String resourceId) {
        return "/service/mlw/projects/" + projectId + "/resources/" + resourceId + "/execute";
    }

    static JsonNode tree(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    static JsonNode ok(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return tree(response);
    }

    private static String field(JsonNode node, String name) {
        return node.get(name).asText();
    }

    @Override
    public void close() {
        base.close();
    }
}
