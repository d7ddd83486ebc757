package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.Ids;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.FreePort;
import io.trainyard.worker.WorkerSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos 7: hostile scripts on a worker process (bubblewrap sandbox, as deployed). Each must end
 * with a clear status and reason (the run's status, message and captured stderr say what
 * stopped it), nothing of the worker's may leak or change, and the worker must stay healthy: it
 * answers ready and still completes an ordinary job afterwards.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HostileScriptsChaosIT {
    private static final String CANARY = "canary-" + Ids.next();
    /** The hostile scripts run at once, before the ordinary one. */
    private static final int HOSTILE = 7;

    @TempDir
    Path dir;

    @Test
    void hostileScriptsAreContainedAndTheWorkerStaysHealthy() throws Exception {
        Figures figures = new Figures("hostile-scripts");
        String tenant = "hostile-" + Ids.next().substring(24);
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        Files.writeString(dataDir.resolve("secret.txt"), CANARY);
        Path outside = WorkerKillChaosIT.sharedDirectory(dir.resolve("outside"));
        int opsPort = FreePort.pick();
        int redisPort = RealRedis.server().port();
        Map<String, String> env = new LinkedHashMap<>();
        env.put(CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers());
        env.put(CommonSettings.REDIS_URI.env(), ChaosIngress.redisUri());
        env.put(CommonSettings.DATA_DIR.env(), dataDir.toString());
        env.put(WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS);
        env.put(WorkerSettings.SLOTS.env(), "4");
        env.put(WorkerSettings.SANDBOX.env(), "bwrap");
        env.put(WorkerSettings.MEMORY_MB.env(), "1024");
        env.put(WorkerSettings.OPS_PORT.env(), Integer.toString(opsPort));
        // One warm sandbox per hostile script: every one of them runs in a sandbox started before it.
        env.put(WorkerSettings.WARM_SCRIPT_SANDBOXES.env(), Integer.toString(HOSTILE));
        // A secret in the worker's environment that no script may see.
        env.put("TRAINYARD_CHAOS_CANARY", CANARY);

        Map<String, Hostile> scripts = new LinkedHashMap<>();
        scripts.put("socket", new Hostile(20, "import socket\n"
                + "for host, port in [('127.0.0.1', " + redisPort + "), ('1.1.1.1', 53)]:\n"
                + "    try:\n"
                + "        socket.create_connection((host, port), timeout=3).close()\n"
                + "        print('CONNECTED', host, port)\n"
                + "    except OSError as e:\n"
                + "        print('refused', host, port, e)\n"
                + "socket.create_connection(('1.1.1.1', 53), timeout=3)\n"));
        scripts.put("secrets", new Hostile(20, "import glob\n"
                + "for path in ['/proc/1/environ', '/proc/self/environ'] + glob.glob('/proc/[0-9]*/environ')"
                + " + glob.glob('/proc/[0-9]*/cmdline'):\n"
                + "    try:\n"
                + "        print(path, open(path, 'rb').read().replace(b'\\0', b' ').decode(errors='replace'))\n"
                + "    except OSError as e:\n"
                + "        print(path, e)\n"
                + "print(open('" + dataDir.resolve("secret.txt") + "').read())\n"));
        scripts.put("write-outside", new Hostile(20, "import os\n"
                + "for path in ['/usr/pwned', '/pwned', '/work/../pwned', '" + dataDir + "/pwned', '"
                + outside.resolve("pwned") + "']:\n"
                + "    try:\n"
                + "        open(path, 'w').write('pwned')\n"
                + "        print('WROTE', path)\n"
                + "    except OSError as e:\n"
                + "        print('blocked', path, e)\n"
                + "open('/etc/pwned', 'w').write('pwned')\n"));
        scripts.put("allocate-10g", new Hostile(20, "block = bytearray(10 * 1024 ** 3)\nprint('ALLOCATED', len(block))\n"));
        scripts.put("loop-forever", new Hostile(2, "while True:\n    pass\n"));
        scripts.put("fork-bomb", new Hostile(5, "import os\n"
                + "while True:\n"
                + "    try:\n"
                + "        os.fork()\n"
                + "    except OSError:\n"
                + "        pass\n"));
        scripts.put("print-1g", new Hostile(60, "import sys\n"
                + "chunk = b'x' * (1 << 20)\n"
                + "for _ in range(1024):\n"
                + "    sys.stdout.buffer.write(chunk)\n"
                + "sys.stdout.flush()\n"));
        scripts.put("ordinary-after", new Hostile(30, "print('still here')\n"));

        long processesBefore = ProcessHandle.allProcesses().count();
        WorkerProcess worker = WorkerProcess.start("hostile-worker", env, Files.createDirectories(dir.resolve("logs")));
        HttpClient http = HttpClient.newHttpClient();
        try (JedisPooled redis = RealRedis.client();
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     "bootstrap.servers", RealKafka.broker().bootstrapServers(), "acks", "all"),
                     new StringSerializer(), new StringSerializer())) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ready(http, opsPort));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> warmScriptSandboxes(http, opsPort) >= HOSTILE);
            Map<String, String> runIds = new LinkedHashMap<>();
            for (Map.Entry<String, Hostile> entry : scripts.entrySet()) {
                if (entry.getKey().equals("ordinary-after")) {
                    continue;
                }
                runIds.put(entry.getKey(), publish(producer, tenant, entry.getValue()));
            }
            Runs runs = new Runs(redis, tenant);
            runs.awaitEnded(runIds.values(), Duration.ofSeconds(120));
            boolean readyAfter = ready(http, opsPort);
            runIds.put("ordinary-after", publish(producer, tenant, scripts.get("ordinary-after")));
            runs.awaitEnded(runIds.values(), Duration.ofSeconds(60));

            Map<String, String> outcomes = new LinkedHashMap<>();
            runIds.forEach((name, runId) -> {
                Map<String, String> run = runs.run(runId);
                String[] stderr = runs.output(runId).getOrDefault("stderr", "").strip().split("\n");
                outcomes.put(name, run.get("status") + " (" + run.get("message") + ") " + stderr[stderr.length - 1]);
            });
            // Give killed process trees a moment to be reaped before counting.
            await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.allProcesses().count() <= processesBefore + 30);
            figures.put("jobs", runIds.size()).put("workerAlive", worker.alive()).put("readyAfter", readyAfter)
                    .put("processesLeft", ProcessHandle.allProcesses().count() - processesBefore).print();
            outcomes.forEach((name, outcome) -> System.out.println("  " + name + ": " + outcome));

            for (Map.Entry<String, String> entry : runIds.entrySet()) {
                Map<String, String> output = runs.output(entry.getValue());
                String all = output.getOrDefault("stdout", "") + output.getOrDefault("stderr", "");
                assertThat(all).as(entry.getKey() + " saw a secret").doesNotContain(CANARY)
                        .doesNotContain("TRAINYARD_");
            }
            runIds.forEach((name, runId) -> {
                if (!name.equals("ordinary-after")) {
                    assertThat(runs.run(runId)).as(name + " ran warm").containsEntry("sandbox", "bwrap-warm");
                }
            });
            expect(runs, runIds.get("socket"), "FAILED", "exit code 1", "Network is unreachable");
            assertThat(runs.output(runIds.get("socket")).get("stdout")).doesNotContain("CONNECTED");
            expect(runs, runIds.get("secrets"), "FAILED", "exit code 1", "FileNotFoundError");
            expect(runs, runIds.get("write-outside"), "FAILED", "exit code 1", "Read-only file system");
            assertThat(runs.output(runIds.get("write-outside")).get("stdout")).doesNotContain("WROTE");
            assertThat(outside.resolve("pwned")).doesNotExist();
            assertThat(dataDir.resolve("pwned")).doesNotExist();
            expect(runs, runIds.get("allocate-10g"), "FAILED", "exit code 1", "MemoryError");
            expect(runs, runIds.get("loop-forever"), "TIMED_OUT", "Timed out after 2 s", "");
            expect(runs, runIds.get("fork-bomb"), "TIMED_OUT", "Timed out after 5 s", "");
            expect(runs, runIds.get("print-1g"), "COMPLETED", "Completed", "");
            String printed = runs.output(runIds.get("print-1g")).get("stdout");
            assertThat(printed).endsWith("more bytes dropped]\n").contains("[trainyard: output truncated, ");
            assertThat(printed.length()).isLessThan(2 << 20);
            expect(runs, runIds.get("ordinary-after"), "COMPLETED", "Completed", "");
            assertThat(runs.output(runIds.get("ordinary-after"))).containsEntry("stdout", "still here\n");
            assertThat(readyAfter).as("the worker answered ready after the hostile scripts").isTrue();
            assertThat(worker.alive()).isTrue();
            for (String runId : runIds.values()) {
                long pid = Long.parseLong(runs.run(runId).getOrDefault("pID", "-1"));
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("the process tree of run " + runId + " is gone").isFalse();
            }
        } finally {
            worker.close();
        }
    }

    /** A hostile script and the time limit its job asks for. */
    record Hostile(long timeoutSeconds, String script) {}

    private static String publish(KafkaProducer<String, String> producer, String tenant, Hostile hostile)
            throws Exception {
        String runId = Ids.next();
        JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, "task-" + runId, tenant, JobType.CODE,
                null, null, hostile.script(), hostile.timeoutSeconds(), 1, System.currentTimeMillis());
        producer.send(new ProducerRecord<>(Topics.SCRIPT_JOBS, runId, Json.writeString(job))).get();
        return runId;
    }

    private static void expect(Runs runs, String runId, String status, String message, String stderr) {
        Map<String, String> run = runs.run(runId);
        assertThat(run).as(run.toString()).containsEntry("status", status);
        assertThat(run.get("message")).contains(message);
        assertThat(runs.output(runId).getOrDefault("stderr", "")).contains(stderr);
    }

    private static int warmScriptSandboxes(HttpClient http, int port) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("trainyard_worker_sandboxes_warm{") && l.contains("profile=\"script\""))
                .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }

    private static boolean ready(HttpClient http, int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }
}
