package io.trainyard.common.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker in KRaft mode, run as a child process from the
 * {@code kafka_2.13} jars Maven resolved: storage formatted once, then {@code kafka.Kafka}.
 * Used by {@code ./trainyard up} and by the integration-test fixtures alike.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final String CLASSPATH_RESOURCE = "/trainyard/kafka-broker.classpath";

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private ServerProcess process;

    private KafkaBroker(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats storage in {@code dir} if it is new, then starts the broker and waits until it answers. */
    public static KafkaBroker start(Path dir, int port, int controllerPort) {
        KafkaBroker broker = new KafkaBroker(dir, port, controllerPort);
        broker.formatIfNew();
        broker.start();
        return broker;
    }

    /**
     * The broker as a process for a {@link Supervisor} to run and restart: storage formatted in
     * {@code dir} if it is new, nothing started yet. A restart reuses the log dir, as a real
     * broker's restart does.
     */
    public static ServiceDefinition supervised(Path dir, int port, int controllerPort) {
        KafkaBroker broker = new KafkaBroker(dir, port, controllerPort);
        broker.formatIfNew();
        return new ServiceDefinition("kafka", broker.command(), Map.of(), dir.resolve("broker.log"), broker::answers);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public void start() {
        process = new ServerProcess("kafka broker", command(), dir.resolve("broker.log"));
        process.start(Duration.ofSeconds(90), this::answers);
    }

    private List<String> command() {
        List<String> command = javaCommand("kafka.Kafka", config().toString());
        // GC pauses stall every request the broker holds: logged beside the broker's own log, as Kafka's scripts do.
        command.add(1, "-Xlog:gc:file=" + dir.resolve("gc.log") + ":time,uptime:filecount=2,filesize=10m");
        return command;
    }

    /** SIGKILL, as a crash would. */
    public void kill() {
        process.kill();
    }

    /** SIGSTOP: the broker holds its connections and answers nothing until {@link #resume}. */
    public void suspend() {
        process.suspend();
    }

    /** SIGCONT after {@link #suspend}. */
    public void resume() {
        process.resume();
    }

    public void restart() {
        process.close();
        start();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    private void formatIfNew() {
        if (Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dir);
            writeConfig();
            List<String> command = javaCommand("kafka.tools.StorageTool", "format", "--standalone",
                    "--cluster-id", Uuid.randomUuid().toString(), "--config", config().toString(),
                    "--ignore-formatted");
            Process format = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.log").toFile()))
                    .start();
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage failed; see " + dir.resolve("format.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private Path config() {
        return dir.resolve("server.properties");
    }

    private void writeConfig() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("num.partitions", "4");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        // On one broker the share coordinator's state topic cannot be replicated: without these
        // two settings share groups deliver nothing.
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "4");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("group.share.heartbeat.interval.ms", "1000");
        p.setProperty("group.share.min.heartbeat.interval.ms", "1000");
        p.setProperty("group.share.session.timeout.ms", "10000");
        p.setProperty("group.share.min.session.timeout.ms", "6000");
        p.setProperty("group.consumer.heartbeat.interval.ms", "1000");
        p.setProperty("group.consumer.min.heartbeat.interval.ms", "1000");
        p.setProperty("group.consumer.session.timeout.ms", "10000");
        p.setProperty("group.consumer.min.session.timeout.ms", "6000");
        p.setProperty("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        try (var out = Files.newOutputStream(config())) {
            p.store(out, "Trainyard local broker");
        }
    }

    private List<String> javaCommand(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms256m");
        command.add("-Xmx" + System.getProperty("trainyard.kafka.heap", "768m"));
        // Kafka's own JVM defaults (kafka-run-class.sh): short G1 pauses, which every queued job waits out.
        command.addAll(List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
                "-XX:+ExplicitGCInvokesConcurrent"));
        command.add("-Djava.awt.headless=true");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(brokerClasspath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    private boolean answers() {
        if (!FreePort.isListening(port)) {
            return false;
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static String brokerClasspath() {
        String override = System.getProperty("trainyard.kafka.classpath");
        if (override != null && !override.isBlank()) {
            return override;
        }
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the Kafka broker classpath is not built; run mvn package first");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
