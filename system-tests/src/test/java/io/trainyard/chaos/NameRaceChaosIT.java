package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.Submissions;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos 4: 1,000 submits of one task name at once, spread over two ingress instances (the name
 * lock lives in Redis, not in an instance): exactly one 200, every other answer a 409 in MLW's
 * shape, one task and one run stored, and that one job runs once.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NameRaceChaosIT {
    private static final int SUBMITS = 1_000;

    @Test
    void ofAThousandConcurrentSubmitsOfOneNameExactlyOneWins() throws Exception {
        Figures figures = new Figures("name-race");
        try (ChaosIngress first = ChaosIngress.start("race", Map.of());
             ChaosIngress second = first.alongside(Map.of());
             JedisPooled redis = RealRedis.client()) {
            String project = first.project("race");
            String script = first.upload(project, "once.py", "print('once')\n");
            String execute = ChaosIngress.executePath(project, script);
            String body = ChaosIngress.executeBody("the-one-name", 0);

            ConcurrentLinkedQueue<HttpResponse<String>> answers = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch ready = new CountDownLatch(SUBMITS);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < SUBMITS; i++) {
                ChaosIngress target = i % 2 == 0 ? first : second;
                clients.add(Thread.ofVirtual().start(() -> {
                    ready.countDown();
                    try {
                        go.await();
                        answers.add(target.json("POST", execute, body));
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            ready.await(30, TimeUnit.SECONDS);
            go.countDown();
            for (Thread client : clients) {
                client.join(Duration.ofSeconds(90));
            }

            Map<Integer, Integer> statuses = new TreeMap<>();
            answers.forEach(a -> statuses.merge(a.statusCode(), 1, Integer::sum));
            TenantKeys keys = new TenantKeys(first.tenant);
            String winnerTask = redis.hget(keys.names(), "the-one-name");
            List<String> runs = winnerTask == null ? List.of() : redis.lrange(keys.taskRuns(winnerTask), 0, -1);
            long tasks = redis.zcard(keys.tasks());
            figures.put("submits", SUBMITS).put("instances", 2).put("answers", statuses)
                    .put("noAnswer", failures.size()).put("tasks", tasks).put("runs", runs.size()).print();

            assertThat(failures).isEmpty();
            assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(200, 1, 409, SUBMITS - 1));
            for (HttpResponse<String> answer : answers) {
                if (answer.statusCode() == 409) {
                    JsonNode error = ChaosIngress.tree(answer);
                    assertThat(error.get("errorCode").asInt()).isEqualTo(409);
                    assertThat(error.get("message").asText()).isEqualTo(Submissions.DUPLICATE_MESSAGE);
                    assertThat(error.get("exception").asText()).isEqualTo("Duplicate name");
                }
            }
            JsonNode won = ChaosIngress.tree(answers.stream().filter(a -> a.statusCode() == 200).findFirst().orElseThrow());
            assertThat(won.get("id").asText()).isEqualTo(winnerTask);
            assertThat(tasks).isEqualTo(1);
            assertThat(runs).hasSize(1);

            // The one job that was queued runs once.
            try (Worker worker = InProcessWorker.start("race-worker", first.dataDir,
                    Map.of(WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS))) {
                Runs records = new Runs(redis, first.tenant);
                records.awaitEnded(runs, Duration.ofSeconds(60));
                assertThat(records.run(runs.get(0))).containsEntry("status", "COMPLETED").containsEntry("epoch", "1");
            }
        }
    }
}
