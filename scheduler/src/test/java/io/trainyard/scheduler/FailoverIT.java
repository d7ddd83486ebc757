package io.trainyard.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.Ids;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.JavaProcess;
import io.trainyard.ingress.SchedulePublisher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Two scheduler processes share the schedules; one is killed with SIGKILL mid-stream. The other
 * takes its partitions once the session times out and catches up: every fire time runs exactly
 * once, none is lost.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class FailoverIT {
    private static final long SESSION_TIMEOUT_MS = 6_000;
    private static final int SCHEDULES = 8;
    private static final Pattern PARTITIONS_OWNED = Pattern.compile("(?m)^trainyard_scheduler_partitions_owned\\S* (\\S+)$");
    private static final Pattern SCHEDULES_OWNED = Pattern.compile("(?m)^trainyard_scheduler_schedules_owned\\S* (\\S+)$");

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();

    private record Instance(String id, Process process, int opsPort) {}

    private Instance launch(String id) throws IOException {
        int opsPort = FreePort.pick();
        Path log = Path.of("target", "failover-" + id + ".log");
        Process process = JavaProcess.of(SchedulerMain.class).jvm("-Xmx256m").log(log).env(Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), "redis://127.0.0.1:" + RealRedis.server().port(),
                SchedulerSettings.INSTANCE_ID.env(), id,
                SchedulerSettings.OPS_PORT.env(), Integer.toString(opsPort),
                SchedulerSettings.SESSION_TIMEOUT_MS.env(), Long.toString(SESSION_TIMEOUT_MS),
                SchedulerSettings.CATCH_UP_WINDOW_MS.env(), "60000")).start();
        processes.add(process);
        return new Instance(id, process, opsPort);
    }

    private int partitionsOwned(Instance instance) {
        return gauge(instance, PARTITIONS_OWNED);
    }

    private int gauge(Instance instance, Pattern gauge) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.opsPort()
                    + "/metrics")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = gauge.matcher(body);
            return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        // SIGTERM: a survivor leaves the group at once, so the next test's scheduler joins without waiting.
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void killingOneInstanceHandsItsSchedulesToTheOtherWithoutLosingOrRepeatingAFire() throws Exception {
        String tenant = "failover-" + Ids.next();
        JedisPooled redis = RealRedis.client();
        TestTasks tasks = new TestTasks(redis);
        Instance a = launch("a");
        Instance b = launch("b");
        await().atMost(Duration.ofSeconds(90)).until(() -> // two JVMs joining one group; slow on a busy machine
                partitionsOwned(a) >= 1 && partitionsOwned(b) >= 1 && partitionsOwned(a) + partitionsOwned(b) == 4);

        List<String> taskIds = new ArrayList<>();
        try (SchedulePublisher publisher = SchedulePublisher.connect(RealKafka.broker().bootstrapServers(),
                Duration.ofSeconds(10))) {
            Instant created = Instant.now();
            for (int i = 0; i < SCHEDULES; i++) {
                String taskId = Ids.next();
                tasks.create(tenant, taskId, "every-second-" + i, "* * * * * ?", created);
                publisher.publish(Schedules.cron(tenant, taskId, "* * * * * ?", created, OverlapPolicy.ALLOW, null));
                taskIds.add(taskId);
            }
            // Mid-stream: both instances are firing.
            await().atMost(Duration.ofSeconds(15)).until(() -> firedBy(tasks, tenant, taskIds, "a") >= 2
                    && firedBy(tasks, tenant, taskIds, "b") >= 2);
            List<String> ownedByA = taskIds.stream()
                    .filter(t -> tasks.runs(tenant, t).stream().anyMatch(r -> "a".equals(r.get("scheduledBy"))))
                    .toList();

            a.process().destroyForcibly(); // SIGKILL: no goodbye to the group
            a.process().waitFor();
            long killedAt = System.currentTimeMillis();

            // Every schedule A had fires again, from B, within the session timeout plus a few seconds.
            Duration takeover = Duration.ofMillis(SESSION_TIMEOUT_MS).plusSeconds(8);
            await().atMost(takeover).until(() -> ownedByA.stream().allMatch(t -> tasks.runs(tenant, t).stream()
                    .anyMatch(r -> "b".equals(r.get("scheduledBy")) && Long.parseLong(r.get("fireTime")) > killedAt)));
            long takeoverDone = System.currentTimeMillis();
            System.out.printf("killed a at %s; b fired a's schedules again %d ms later%n",
                    Instant.ofEpochMilli(killedAt), takeoverDone - killedAt);
            // ... and keeps up afterwards: fire times later than the takeover run on time.
            await().atMost(Duration.ofSeconds(5)).until(() -> ownedByA.stream().allMatch(t -> tasks.runs(tenant, t)
                    .stream().anyMatch(r -> Long.parseLong(r.get("fireTime")) > takeoverDone + 1_000)));

            for (String taskId : taskIds) {
                publisher.delete(tenant, taskId);
            }
        }
        // The tombstones stop every schedule; then each task's fire times are checked end to end.
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge(b, SCHEDULES_OWNED) == 0);
        int runsAtStop = total(tasks, tenant, taskIds);
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
                .until(() -> total(tasks, tenant, taskIds) == runsAtStop);
        for (String taskId : taskIds) {
            TreeMap<Long, Integer> perFire = tasks.runsPerFireTime(tenant, taskId);
            assertThat(perFire.values()).as("runs per fire time of %s", taskId).containsOnly(1);
            long span = (perFire.lastKey() - perFire.firstKey()) / 1_000 + 1;
            assertThat(perFire).as("every second from the first fire to the last of %s", taskId).hasSize((int) span);
        }
        redis.close();
    }

    private static long firedBy(TestTasks tasks, String tenant, List<String> taskIds, String instance) {
        return taskIds.stream().flatMap(t -> tasks.runs(tenant, t).stream())
                .filter(r -> instance.equals(r.get("scheduledBy"))).count();
    }

    private static int total(TestTasks tasks, String tenant, List<String> taskIds) {
        return taskIds.stream().mapToInt(t -> tasks.runs(tenant, t).size()).sum();
    }
}
