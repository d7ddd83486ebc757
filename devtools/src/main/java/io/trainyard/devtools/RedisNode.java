package io.trainyard.devtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One redis-server (or redis-sentinel) process of a multi-node set, on a port of its own, with
 * its own directory; killing and starting it again keeps the port and the directory.
 */
public final class RedisNode implements AutoCloseable {
    private final String name;
    private final Path dir;
    private final int port;
    private final List<String> command;
    private ServerProcess process;

    RedisNode(String name, Path dir, int port, List<String> command) {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.command = List.copyOf(command);
    }

    /** A redis-server node: AOF on (fsync every second), on loopback, plus {@code extra} arguments. */
    static RedisNode server(String name, Path dir, int port, RedisSecurity security, List<String> extra) {
        List<String> command = new ArrayList<>(List.of(Executables.require("redis-server", "redis-server"),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--appendonly", "yes",
                "--appendfsync", "everysec", "--save", "", "--daemonize", "no"));
        command.addAll(security == null ? List.of("--port", Integer.toString(port)) : security.serverArgs(port));
        command.addAll(extra);
        return new RedisNode(name, dir, port, command);
    }

    /** A standalone redis-server, started; {@code security} (TLS and an ACL user) may be null. */
    public static RedisNode startServer(Path dir, int port, RedisSecurity security) {
        RedisNode node = server("redis-server", dir, port, security, List.of());
        node.start();
        return node;
    }

    public void start() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = new ServerProcess(name, command, dir.resolve(name + ".log"));
        process.start(Duration.ofSeconds(20), () -> FreePort.isListening(port));
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no flush, no goodbye to replicas or sentinels. */
    public void kill() {
        process.kill();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
