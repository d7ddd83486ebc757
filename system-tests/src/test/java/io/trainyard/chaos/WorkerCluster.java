package io.trainyard.chaos;

import static org.awaitility.Awaitility.await;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.ShareGroupStart;
import io.trainyard.worker.WorkerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Worker processes ({@link WorkerProcess}) of one scenario, a producer of script jobs for them,
 * and the signals a scenario sends: SIGSTOP and SIGCONT (a stall: the process holds its sockets
 * and locks but does nothing), SIGTERM, SIGKILL.
 */
final class WorkerCluster implements AutoCloseable {
    final String tenant;
    final Path logs;
    private final Map<String, String> env;
    private final List<WorkerProcess> workers = new ArrayList<>();
    private final KafkaProducer<String, String> producer;

    private WorkerCluster(String tenant, Map<String, String> env, Path logs) {
        this.tenant = tenant;
        this.env = env;
        this.logs = logs;
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", RealKafka.broker().bootstrapServers(),
                "acks", "all"), new StringSerializer(), new StringSerializer());
    }

    /**
     * A cluster for {@code scenario}: workers run scripts without bubblewrap (the scenarios signal
     * the scripts' processes), with the settings given over the defaults.
     */
    static WorkerCluster create(String scenario, Path dir, Map<String, String> settings) {
        String tenant = scenario + "-" + Ids.next().substring(24);
        try {
            Path logs = Files.createDirectories(Path.of("target", "chaos", tenant).toAbsolutePath());
            Map<String, String> defaults = new HashMap<>(Map.of(WorkerSettings.SANDBOX.env(), "none"));
            defaults.putAll(settings);
            Map<String, String> env = ChaosIngress.workerEnv(Files.createDirectories(dir.resolve("data")), defaults);
            // Earlier scenarios (and other test classes on the same broker) leave records their
            // workers released when they stopped; a worker of this scenario would run them, taking
            // slots the scenario counts as free.
            try (Admin admin = RealKafka.admin()) {
                long skipped = ShareGroupStart.skipWorkerJobs(admin, Duration.ofSeconds(60));
                System.out.println("WorkerCluster: the worker group starts past " + skipped + " earlier record(s)");
            }
            return new WorkerCluster(tenant, env, logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WorkerProcess start(String name) {
        WorkerProcess worker = WorkerProcess.start(tenant + "-" + name, env, logs);
        workers.add(worker);
        return worker;
    }

    /** The worker whose current generation is named {@code workerId} in run records. */
    WorkerProcess byId(String workerId) {
        return workers.stream().filter(w -> w.workerId().equals(workerId)).findFirst().orElseThrow();
    }

    /** Publishes a script job of this cluster's tenant and waits for Kafka's acknowledgement; its run id. */
    String publish(String script, long timeoutSeconds) {
        return publish(1, script, timeoutSeconds).get(0);
    }

    /** Publishes {@code count} jobs of {@code script} at once, then waits until the broker has them all. */
    List<String> publish(int count, String script, long timeoutSeconds) {
        List<String> runIds = new ArrayList<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String runId = Ids.next();
            JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, "task-" + runId, tenant,
                    JobType.CODE, null, null, script, timeoutSeconds, 1, System.currentTimeMillis());
            sent.add(producer.send(new ProducerRecord<>(Topics.SCRIPT_JOBS, runId, Json.writeString(job))));
            runIds.add(runId);
        }
        try {
            for (Future<RecordMetadata> one : sent) {
                one.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("job not published", e);
        }
        return runIds;
    }

    /**
     * Waits until the share group has {@code members} consumers of this cluster, each holding the
     * group's latest assignment, and none of another: only then does every lane of every worker
     * receive records as soon as it asks, and no other scenario's worker (one still stopping, or
     * killed and not yet expired by the broker) can take this scenario's records.
     */
    void awaitConsumers(int members, Duration atMost) {
        try (Admin admin = RealKafka.admin()) {
            AtomicReference<ShareGroupDescription> last = new AtomicReference<>();
            try {
                await().atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                    ShareGroupDescription group = admin.describeShareGroups(List.of(Topics.WORKER_GROUP))
                            .describedGroups().get(Topics.WORKER_GROUP).get();
                    last.set(group);
                    List<ShareMemberDescription> ours = group.members().stream()
                            .filter(m -> m.clientId().contains(tenant)).toList();
                    return ours.size() >= members && ours.size() == group.members().size()
                            && ours.stream().noneMatch(m -> m.assignment().topicPartitions().isEmpty());
                });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("the share group did not come to hold " + members + " consumers of "
                        + tenant + " and no other: " + last.get(), e);
            }
        }
    }

    /** A script that sleeps {@code seconds}, then prints its run's mark. */
    static String sleeping(double seconds) {
        return "import time\ntime.sleep(" + seconds + ")\nprint('slept')\n";
    }

    /** Sends {@code signal} (STOP, CONT, TERM, KILL) to process {@code pid}. */
    static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The processes a worker started (its scripts), each with the processes they started. */
    static List<Long> descendants(long pid) {
        return ProcessHandle.of(pid).map(p -> p.descendants().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    /** The lines of this cluster's worker logs that contain {@code text}, for a failure's message. */
    List<String> logLines(String text) {
        try (Stream<Path> files = Files.list(logs)) {
            List<String> lines = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.contains(text)) {
                        lines.add(file.getFileName() + ": " + line);
                    }
                }
            }
            return lines;
        } catch (IOException e) {
            return List.of("logs not readable: " + e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        workers.forEach(WorkerProcess::close);
    }
}
