package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.KafkaConnection;
import io.trainyard.common.kafka.KafkaMisconfiguredException;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.common.testing.SecuredBroker;
import io.trainyard.common.testing.SecuredKafka;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services against a broker that asks what managed Kafka services ask: SASL_SSL with
 * SCRAM-SHA-512, a certificate of its own. The client properties reach every Kafka client
 * through TRAINYARD_KAFKA_PROP_* (ingress, worker) or a properties file (scheduler).
 */
@ExtendWith({SecuredKafka.class, RealRedis.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaIT {
    @TempDir
    Path dir;

    /** The fresh broker has no Trainyard topics yet: three replicas cannot be created on one broker. */
    @Test
    @Order(1)
    void aReplicationFactorAboveTheLiveBrokersIsRefusedAtStartUp(SecuredBroker kafka) {
        Map<String, String> env = new HashMap<>(serviceEnv(kafka, kafka.password()));
        env.put(CommonSettings.KAFKA_REPLICATION_FACTOR.env(), "3");
        env.put(CommonSettings.KAFKA_MIN_INSYNC_REPLICAS.env(), "2");

        assertThatThrownBy(() -> SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, env),
                InstantSource.system(), () -> {}))
                .isInstanceOf(KafkaMisconfiguredException.class)
                .hasMessageContaining("TRAINYARD_KAFKA_REPLICATION_FACTOR is 3 but the cluster has 1 live broker(s)");
    }

    @Test
    @Order(2)
    void servicesWithTheRightPasswordRunAJobOverSaslSsl(SecuredBroker kafka) throws Exception {
        Map<String, String> env = serviceEnv(kafka, kafka.password());
        try (TestIngress ingress = TestIngress.start(kafka.bootstrapServers(), redisUri(), env);
             Worker worker = Worker.start(ConfigTable.load(WorkerSettings.ALL, workerEnv(ingress.dataDir, env)));
             SchedulerService scheduler = SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, Map.of(
                     CommonSettings.KAFKA_BOOTSTRAP.env(), kafka.bootstrapServers(),
                     CommonSettings.KAFKA_CLIENT_PROPERTIES.env(), propertiesFile(kafka.clientProperties(kafka.password())),
                     CommonSettings.REDIS_URI.env(), redisUri(),
                     SchedulerSettings.OPS_PORT.env(), "0")), InstantSource.system(), () -> {})) {
            await().atMost(Duration.ofSeconds(60)).until(scheduler::ready);
            String project = tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                    "{\"name\":\"sasl\"}")).get("id").asText();
            String resource = tree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                    ingress.admin(), "hello.py", "print('over sasl_ssl')\n")).get("id").asText();
            HttpResponse<String> submitted = ingress.json("POST", "/service/mlw/projects/" + project + "/resources/"
                    + resource + "/execute", ingress.admin(),
                    "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"sasl\"}");
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
            JsonNode task = tree(submitted);
            String runPath = "/service/mlw/tasks/" + task.get("id").asText() + "/task/"
                    + task.get("individualTasks").get(0).get("id").asText();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                    tree(ingress.get(runPath, ingress.reader())).path("completedAt").asText().length() > 0);
            JsonNode run = tree(ingress.get(runPath, ingress.reader()));
            assertThat(run.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(run.get("stdout").asText()).isEqualTo("over sasl_ssl\n");
        }
    }

    @Test
    @Order(3)
    void aWrongPasswordIsRefusedWithAPlainStartUpError(SecuredBroker kafka) {
        Map<String, String> env = serviceEnv(kafka, "not-" + kafka.password());

        assertThatThrownBy(() -> TestIngress.start(kafka.bootstrapServers(), redisUri(), env))
                .isInstanceOf(KafkaMisconfiguredException.class)
                .hasMessageStartingWith("Kafka refused this service while it tried to list Kafka topics: ")
                .hasMessageContaining("Authentication failed")
                .hasMessageContaining("TRAINYARD_KAFKA_PROP_*");
        assertThatThrownBy(() -> Worker.start(ConfigTable.load(WorkerSettings.ALL, workerEnv(dir, env))))
                .isInstanceOf(KafkaMisconfiguredException.class)
                .hasMessageContaining("Authentication failed");
    }

    /** The bootstrap servers and client properties as a service's environment: sasl.mechanism is TRAINYARD_KAFKA_PROP_SASL_MECHANISM. */
    private static Map<String, String> serviceEnv(SecuredBroker kafka, String password) {
        Map<String, String> env = new HashMap<>();
        env.put(CommonSettings.KAFKA_BOOTSTRAP.env(), kafka.bootstrapServers());
        env.put(CommonSettings.REDIS_URI.env(), redisUri());
        env.put(WorkerSettings.OPS_PORT.env(), "0");
        kafka.clientProperties(password).forEach((name, value) ->
                env.put(KafkaConnection.ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return env;
    }

    private static Map<String, String> workerEnv(Path dataDir, Map<String, String> env) {
        Map<String, String> worker = new HashMap<>(env);
        worker.put(CommonSettings.DATA_DIR.env(), dataDir.toString());
        worker.put(WorkerSettings.WORKER_ID.env(), "sasl-worker");
        worker.put(WorkerSettings.SANDBOX.env(), "none");
        worker.put(WorkerSettings.SHUTDOWN_GRACE_MS.env(), "1000");
        return worker;
    }

    private String propertiesFile(Map<String, String> properties) throws Exception {
        Properties p = new Properties();
        p.putAll(properties);
        Path file = dir.resolve("kafka-client.properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "managed Kafka");
        }
        return file.toString();
    }

    private static String redisUri() {
        return "redis://127.0.0.1:" + RealRedis.server().port();
    }

    private static JsonNode tree(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }
}
