package io.trainyard.devtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code redis-cli} against a local Redis node (plain, or TLS with an ACL user). */
final class RedisCli {
    private RedisCli() {}

    /** The command's output, or an exception with it when redis-cli failed. */
    static String run(int port, RedisSecurity security, String... command) {
        List<String> args = new ArrayList<>(List.of(Executables.require("redis-cli", "redis-tools"),
                "-h", "127.0.0.1", "-p", Integer.toString(port)));
        if (security != null) {
            args.addAll(security.cliArgs());
        }
        args.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli " + String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running redis-cli", e);
        }
    }

    /** {@link #run}, or null when the node does not answer (down, still starting). */
    static String tryRun(int port, RedisSecurity security, String... command) {
        try {
            return run(port, security, command);
        } catch (IllegalStateException e) {
            return null;
        }
    }
}
