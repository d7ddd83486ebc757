package io.trainyard.devtools;

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

    private final BrokerConfig config;
    private final String clusterId;
    private final String heap;
    private ServerProcess process;

    KafkaBroker(BrokerConfig config, String clusterId, String heap) {
        this.config = config;
        this.clusterId = clusterId;
        this.heap = heap;
    }

    /** Formats storage in {@code dir} if it is new, then starts the broker and waits until it answers. */
    public static KafkaBroker start(Path dir, int port, int controllerPort) {
        return start(dir, port, controllerPort, Map.of());
    }

    /**
     * As {@link #start(Path, int, int)}, with server properties that win over the defaults (another
     * listener, say); the PLAINTEXT listener on {@code port} stays, for the readiness probe.
     */
    public static KafkaBroker start(Path dir, int port, int controllerPort, Map<String, String> extra) {
        KafkaBroker broker = new KafkaBroker(BrokerConfig.single(dir, port, controllerPort, extra),
                Uuid.randomUuid().toString(), defaultHeap());
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
        return new KafkaBroker(BrokerConfig.single(dir, port, controllerPort, Map.of()), Uuid.randomUuid().toString(),
                defaultHeap()).supervised("kafka");
    }

    ServiceDefinition supervised(String name) {
        formatIfNew();
        return new ServiceDefinition(name, command(), Map.of(), dir().resolve("broker.log"), this::answers);
    }

    static String defaultHeap() {
        return System.getProperty("trainyard.kafka.heap", "768m");
    }

    public int nodeId() {
        return config.nodeId();
    }

    private Path dir() {
        return config.dir();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + config.port();
    }

    public int port() {
        return config.port();
    }

    /** Starts the process and waits until it answers. */
    public void start() {
        launch();
        awaitAnswer();
    }

    /** Starts the process; {@link #awaitAnswer} waits for it (nodes of a quorum start together). */
    void launch() {
        process = new ServerProcess("kafka broker " + config.nodeId(), command(), dir().resolve("broker.log"));
        process.launch();
    }

    void awaitAnswer() {
        process.awaitReady(Duration.ofSeconds(90), this::answers);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private List<String> command() {
        List<String> command = javaCommand("kafka.Kafka", config.file().toString());
        // GC pauses stall every request the broker holds: logged beside the broker's own log, as Kafka's scripts do.
        command.add(1, "-Xlog:gc:file=" + dir().resolve("gc.log") + ":time,uptime:filecount=2,filesize=10m");
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

    void formatIfNew() {
        if (Files.exists(dir().resolve("data").resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dir());
            config.write();
            List<String> command = javaCommand("kafka.tools.StorageTool", "format", "--cluster-id", clusterId,
                    "--config", config.file().toString(), "--ignore-formatted");
            if (config.standalone()) {
                command.add(command.indexOf("format") + 1, "--standalone");
            }
            Process format = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir().resolve("format.log").toFile()))
                    .start();
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage failed; see " + dir().resolve("format.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private List<String> javaCommand(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms256m");
        command.add("-Xmx" + heap);
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
        if (!FreePort.isListening(config.port())) {
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
