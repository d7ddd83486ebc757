package io.trainyard.devtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real {@code redis-server} on a port of its own with AOF on, so that a restart keeps every
 * record (the same durability a real deployment runs with).
 */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private ServerProcess process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static RedisServer start(Path dir, int port) {
        RedisServer server = new RedisServer(dir, port);
        server.start();
        return server;
    }

    /**
     * The server as a process for a {@link Supervisor} to run and restart, nothing started yet.
     * A restart reads the AOF in {@code dir} back, so no acknowledged write is lost.
     */
    public static ServiceDefinition supervised(Path dir, int port) {
        RedisServer server = new RedisServer(dir, port);
        return new ServiceDefinition("redis-server", server.command(), Map.of(), dir.resolve("redis.log"),
                () -> FreePort.isListening(port));
    }

    public void start() {
        process = new ServerProcess("redis-server", command(), dir.resolve("redis.log"));
        process.start(Duration.ofSeconds(20), () -> FreePort.isListening(port));
    }

    private List<String> command() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String executable = Executables.require("redis-server", "redis-server");
        return List.of(executable,
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--dir", dir.toString(),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "",
                "--daemonize", "no",
                "--protected-mode", "yes");
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public void kill() {
        process.kill();
    }

    /** SIGSTOP: the server holds its connections and answers nothing until {@link #resume}. */
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
}
