package io.trainyard.common.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local cluster's infrastructure: a Kafka broker (KRaft) and a redis-server with AOF,
 * both as child processes keeping their data under one directory, until this process is stopped.
 * Writes {@code <dir>/servers.ready} once both answer. Used by {@code ./trainyard up}.
 *
 * <p>Usage: {@code LocalServers <dir> <kafka port> <kafka controller port> <redis port>}
 */
public final class LocalServers {
    private LocalServers() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: LocalServers <dir> <kafka port> <controller port> <redis port>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        Path ready = dir.resolve("servers.ready");
        Files.deleteIfExists(ready);
        CountDownLatch stopped = new CountDownLatch(1);
        RedisServer redis = RedisServer.start(dir.resolve("redis"), Integer.parseInt(args[3]));
        KafkaBroker kafka;
        try {
            kafka = KafkaBroker.start(dir.resolve("kafka"), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            redis.close();
            stopped.countDown();
        }));
        Files.writeString(ready, kafka.bootstrapServers() + "\n" + redis.uri() + "\n");
        System.out.println("kafka " + kafka.bootstrapServers() + " and redis " + redis.uri() + " are up");
        stopped.await();
    }
}
