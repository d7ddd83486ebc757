package io.trainyard.devtools;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The local cluster of {@code ./trainyard up}: a redis-server with AOF and a Kafka broker (KRaft),
 * both keeping their data under one directory, then the services of a {@link ServicesFile}, all
 * run by one {@link Supervisor}. A process that crashes is started again with backoff, Redis and
 * Kafka included: they come back on the same data (the AOF, the log dir), as a real deployment's
 * would, and the services reconnect. SIGTERM or SIGINT stops everything in reverse: the workers
 * first, so that they hand back their runs while Kafka and Redis still answer, Redis last.
 *
 * <p>Usage: {@code LocalCluster <dir> <kafka port> <kafka controller port> <redis port> <services file> [brokers]}:
 * with more than one broker, a {@link KafkaCluster} whose node i listens on the ports given plus 2(i-1).
 */
public final class LocalCluster {
    /** What a worker takes after its grace period: handing back the runs left, then closing. */
    private static final Duration HAND_BACK = Duration.ofSeconds(20);
    private static final long DEFAULT_WORKER_GRACE_MS = 30_000;

    private LocalCluster() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: LocalCluster <dir> <kafka port> <controller port> <redis port> <services file>"
                    + " [brokers]");
            System.exit(2);
        }
        // The readiness probe's admin client logs every refused connection while the broker starts.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "off");
        Path dir = Path.of(args[0]).toAbsolutePath();
        Supervisor supervisor = new Supervisor(RestartBackoff.ofDefaults(), stopGrace(System.getenv()),
                line -> System.err.println("trainyard: " + line), InstantSource.system());
        Runtime.getRuntime().addShutdownHook(new Thread(supervisor::stop, "stop"));
        try {
            List<List<ServiceDefinition>> services = ServicesFile.read(Path.of(args[4]), dir.resolve("logs"));
            supervisor.start(List.of(RedisServer.supervised(dir.resolve("redis"), Integer.parseInt(args[3]))));
            int brokers = args.length == 6 ? Integer.parseInt(args[5]) : 1;
            int kafkaPort = Integer.parseInt(args[1]);
            int controllerPort = Integer.parseInt(args[2]);
            supervisor.start(brokers == 1 ? List.of(KafkaBroker.supervised(dir.resolve("kafka"), kafkaPort,
                    controllerPort)) : KafkaCluster.supervised(dir.resolve("kafka-" + brokers), brokers, kafkaPort,
                    controllerPort));
            for (List<ServiceDefinition> group : services) {
                supervisor.start(group);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("trainyard: " + e.getMessage());
            System.exit(1); // the shutdown hook stops what did start
        }
        new CountDownLatch(1).await(); // until SIGTERM or SIGINT runs the shutdown hook
    }

    /** SIGTERM to SIGKILL: the workers' grace period (they read the same environment) and their hand-back. */
    static Duration stopGrace(Map<String, String> environment) {
        long graceMs = DEFAULT_WORKER_GRACE_MS;
        try {
            graceMs = Long.parseLong(environment.getOrDefault("TRAINYARD_SHUTDOWN_GRACE_MS", Long.toString(graceMs)));
        } catch (NumberFormatException e) {
            graceMs = DEFAULT_WORKER_GRACE_MS; // the workers refuse it and name it
        }
        return Duration.ofMillis(Math.max(0, graceMs)).plus(HAND_BACK);
    }
}
