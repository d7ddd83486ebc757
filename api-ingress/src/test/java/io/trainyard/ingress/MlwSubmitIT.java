package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The execute endpoint of seed 001 against a real broker and a real redis-server. */
@ExtendWith({RealKafka.class, RealRedis.class})
class MlwSubmitIT {
    static final String SEED_BODY = "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"script1\"}";
    static TestIngress ingress;
    static String projectId;
    static String resourceId;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
        projectId = tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"blah project\"}"))
                .get("id").asText();
        resourceId = tree(ingress.upload("/service/mlw/projects/" + projectId + "/resources", ingress.admin(),
                "hello.py", "print('hello')\n")).get("id").asText();
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    static String execute() {
        return "/service/mlw/projects/" + projectId + "/resources/" + resourceId + "/execute";
    }

    static JsonNode tree(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    static String body(String taskName) {
        return "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"" + taskName + "\"}";
    }

    @Test
    void seedExecuteAnswersTheTaskAfterTheJobIsOnKafka() throws Exception {
        JsonNode task = tree(ingress.json("POST", execute(), ingress.admin(), SEED_BODY));

        assertThat(task.get("name").asText()).isEqualTo("script1");
        assertThat(task.get("type").asText()).isEqualTo("CODE");
        assertThat(task.get("recurrence").asText()).isEqualTo("ONE_TIME");
        assertThat(task.get("cronExpression").asText()).isEmpty();
        assertThat(task.get("projectID").asText()).isEqualTo(projectId);
        assertThat(task.get("projectName").asText()).isEqualTo("blah project");
        assertThat(task.get("createdAt").asText()).matches("[A-Z][a-z]{2} [A-Z][a-z]{2} \\d{2} \\d{2}:\\d{2}:\\d{2} \\d{4}");
        assertThat(task.get("sortTime").isNumber()).isTrue();
        assertThat(task.get("startDate").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(task.get("startTimeH").asText()).matches("\\d{2}");
        assertThat(task.get("startTimeM").asText()).matches("\\d{2}");
        assertThat(task.get("properties").isArray()).isTrue();
        // Seed 001: a ONE_TIME script's parent is EXECUTED from the submit on, its run QUEUED.
        assertThat(task.get("status").asText()).isEqualTo("EXECUTED");
        JsonNode run = task.get("individualTasks").get(0);
        assertThat(run.get("tasksID").asText()).isEqualTo(task.get("id").asText());
        assertThat(run.get("taskName").asText()).isEqualTo("script1");
        assertThat(run.get("status").asText()).isEqualTo("QUEUED");
        assertThat(run.get("type").asText()).isEqualTo("CODE");

        JobMessage job = Json.MAPPER.readValue(record(Topics.SCRIPT_JOBS, run.get("id").asText()).value(), JobMessage.class);
        assertThat(job.tenant()).isEqualTo(ingress.tenant);
        assertThat(job.taskId()).isEqualTo(task.get("id").asText());
        assertThat(job.projectId()).isEqualTo(projectId);
        assertThat(job.resourceId()).isEqualTo(resourceId);
        assertThat(job.attempt()).isEqualTo(1);

        JsonNode read = tree(ingress.get("/service/mlw/tasks/" + task.get("id").asText(), ingress.reader()));
        assertThat(read.get("individualTasks").get(0).get("id").asText()).isEqualTo(run.get("id").asText());
    }

    @Test
    void noCredentialsIsTheSeeds401() {
        HttpResponse<String> response = ingress.json("POST", execute(), null, body("noauth"));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"error\":\"general/internalError\",\"message\":\"No auth information found\","
                + "\"info\":\"https://cumulocity.com/guides/reference/rest-implementation/#error_reporting\"}");
    }

    @Test
    void wrongCredentialsAreNotAuthorized() throws Exception {
        HttpResponse<String> response = ingress.json("POST", execute(), ingress.tenant + "/admin:wrong", body("x"));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(response.body()).get("message").asText()).isEqualTo("Not authorized!");
    }

    @Test
    void missingTaskNameIsTheSeeds400() {
        HttpResponse<String> response = ingress.json("POST", execute(), ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(
                "{\"message\":\"Missing parameter taskName\",\"errorCode\":400,\"exception\":\"Missing parameters\"}");
    }

    @Test
    void aUsedNameIsADuplicate() {
        assertThat(ingress.json("POST", execute(), ingress.admin(), body("dup")).statusCode()).isEqualTo(200);
        HttpResponse<String> again = ingress.json("POST", execute(), ingress.admin(), body("dup"));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).isEqualTo("{\"message\":\"Task name already exists. Please provide another name\","
                + "\"errorCode\":409,\"exception\":\"Duplicate name\"}");
    }

    @Test
    void ofTwoConcurrentSubmitsOfOneNameExactlyOneWins() throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        Callable<Integer> submit = () -> {
            together.await();
            return ingress.json("POST", execute(), ingress.admin(), body("race")).statusCode();
        };
        List<Integer> codes = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(2)) {
            List<Future<Integer>> results = List.of(pool.submit(submit), pool.submit(submit));
            for (Future<Integer> result : results) {
                codes.add(result.get());
            }
        }
        assertThat(codes).containsExactlyInAnyOrder(200, 409);
    }

    @Test
    void readOnlyUsersCannotRunCode() throws Exception {
        HttpResponse<String> response = ingress.json("POST", execute(), ingress.reader(), body("reader"));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).isEqualTo("security/Forbidden");
    }

    @Test
    void repeatWithoutCronNamesTheField() throws Exception {
        HttpResponse<String> response = ingress.json("POST", execute(), ingress.admin(),
                "{\"recurrence\":\"REPEAT\",\"cronExpression\":\"\",\"taskName\":\"rep\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(response.body()).get("message").asText())
                .startsWith("Missing parameter cronExpression");
    }

    @Test
    void aRepeatTaskPublishesItsScheduleAndDeletingItLeavesATombstone() throws Exception {
        JsonNode task = tree(ingress.json("POST", execute(), ingress.admin(),
                "{\"recurrence\":\"REPEAT\",\"cronExpression\":\"0 3 * * *\",\"taskName\":\"nightly\","
                        + "\"timeZone\":\"Europe/Berlin\"}"));
        assertThat(task.get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(task.get("recurrence").asText()).isEqualTo("REPEAT");
        assertThat(task.get("individualTasks")).isEmpty();
        String key = ingress.tenant + "/" + task.get("id").asText();
        var definition = io.trainyard.common.schedule.ScheduleDefinition.fromJson(record(Topics.SCHEDULES, key).value());
        assertThat(definition.taskId()).isEqualTo(task.get("id").asText());
        assertThat(definition.run().resourceId()).isEqualTo(resourceId);
        assertThat(definition.zone().getId()).isEqualTo("Europe/Berlin");

        assertThat(ingress.send("DELETE", "/service/mlw/tasks/" + task.get("id").asText(), ingress.admin(), null, null)
                .statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> records(Topics.SCHEDULES, key).stream()
                .anyMatch(r -> r.value() == null));
    }

    @Test
    void aBadCronExpressionNamesTheField() throws Exception {
        HttpResponse<String> response = ingress.json("POST", execute(), ingress.admin(),
                "{\"recurrence\":\"REPEAT\",\"cronExpression\":\"every day\",\"taskName\":\"bad-cron\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(response.body()).get("message").asText()).contains("cronExpression");
    }

    @Test
    void anotherTenantsTaskIsNotFound() throws Exception {
        JsonNode task = tree(ingress.json("POST", execute(), ingress.admin(), body("mine")));
        String taskId = task.get("id").asText();
        String runId = task.get("individualTasks").get(0).get("id").asText();

        for (String path : List.of("/service/mlw/tasks/" + taskId, "/service/mlw/tasks/" + taskId + "/task/" + runId,
                "/service/mlw/projects/" + projectId, "/service/mlw/projects/" + projectId + "/resources/" + resourceId)) {
            HttpResponse<String> response = ingress.get(path, ingress.otherAdmin());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(Json.MAPPER.readTree(response.body()).get("errorCode").asInt()).isEqualTo(404);
        }
        assertThat(ingress.json("POST", execute(), ingress.otherAdmin(), body("theirs")).statusCode()).isEqualTo(404);
        assertThat(ingress.send("DELETE", "/service/mlw/tasks/" + taskId, ingress.otherAdmin(), null, null)
                .statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(ingress.get("/service/mlw/tasks", ingress.otherAdmin()).body())).isEmpty();
        // The other tenant may use the same task name: names are per tenant.
        String otherProject = tree(ingress.json("POST", "/service/mlw/projects", ingress.otherAdmin(),
                "{\"name\":\"blah project\"}")).get("id").asText();
        String otherResource = tree(ingress.upload("/service/mlw/projects/" + otherProject + "/resources",
                ingress.otherAdmin(), "a.py", "print(1)")).get("id").asText();
        assertThat(ingress.json("POST", "/service/mlw/projects/" + otherProject + "/resources/" + otherResource
                + "/execute", ingress.otherAdmin(), body("mine")).statusCode()).isEqualTo(200);
    }

    @Test
    void deletingATaskCancelsItsRunsAndFreesTheName() throws Exception {
        JsonNode task = tree(ingress.json("POST", execute(), ingress.admin(), body("short-lived")));
        String taskId = task.get("id").asText();
        String runId = task.get("individualTasks").get(0).get("id").asText();

        assertThat(ingress.send("DELETE", "/service/mlw/tasks/" + taskId, ingress.admin(), null, null).statusCode())
                .isEqualTo(200);

        assertThat(ingress.get("/service/mlw/tasks/" + taskId, ingress.admin()).statusCode()).isEqualTo(404);
        try (var redis = RealRedis.client()) {
            assertThat(redis.hget(new TenantKeys(ingress.tenant).run(runId), "status")).isEqualTo("CANCELLED");
        }
        assertThat(ingress.json("POST", execute(), ingress.admin(), body("short-lived")).statusCode()).isEqualTo(200);
    }

    static ConsumerRecord<String, byte[]> record(String topic, String key) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            found.addAll(records(topic, key));
            return !found.isEmpty();
        });
        return found.get(0);
    }

    /** Every record of {@code topic} with {@code key} so far, oldest first per partition. */
    static List<ConsumerRecord<String, byte[]>> records(String topic, String key) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealKafka.broker().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            return found;
        }
    }
}
