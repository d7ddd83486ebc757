package io.trainyard.bench;

import io.trainyard.devtools.FreePort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast this machine is right now: {@code redis-benchmark} SET with 50 clients, unpipelined and
 * in pipelines of 32, against a redis-server of its own with no persistence. The same machine kind
 * has run at a third of its reference speed on some days with a load average near zero; a result
 * file carries this figure so that its throughputs and latencies can be read against the machine
 * they were measured on.
 */
final class MachineSpeed {
    /** The two runs on this machine kind on a normal day (2026-11-23), requests/s: the reference speed. */
    static final long REFERENCE_UNPIPELINED = 143_000;
    static final long REFERENCE_PIPELINED = 2_280_000;
    private static final Pattern RATE = Pattern.compile("SET: ([0-9.]+) requests per second");

    private MachineSpeed() {}

    /** SET requests/s unpipelined and pipelined, or empty when redis-benchmark is not installed. */
    record Speed(long unpipelined, long pipelined) {
        /** This machine's speed as a fraction of the reference, by the unpipelined figure. */
        double ofReference() {
            return unpipelined / (double) REFERENCE_UNPIPELINED;
        }

        String describe() {
            return String.format("redis-benchmark SET, 50 clients: %,d req/s, pipelines of 32: %,d req/s "
                            + "(%.2f and %.2f of the reference %,d and %,d)", unpipelined, pipelined, ofReference(),
                    pipelined / (double) REFERENCE_PIPELINED, REFERENCE_UNPIPELINED, REFERENCE_PIPELINED);
        }
    }

    static Optional<Speed> measure(Path dir) throws IOException {
        if (!Programs.onPath("redis-server") || !Programs.onPath("redis-benchmark")) {
            return Optional.empty();
        }
        int port = FreePort.pick();
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("speed-redis.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!FreePort.isListening(port)) {
                if (System.nanoTime() > deadline || !redis.isAlive()) {
                    throw new IOException("the calibration redis-server did not listen on " + port);
                }
                Pause.millis(50);
            }
            long unpipelined = setRate(port, 200_000, 1);
            long pipelined = setRate(port, 1_000_000, 32);
            return Optional.of(new Speed(unpipelined, pipelined));
        } finally {
            redis.destroyForcibly();
        }
    }

    private static long setRate(int port, int requests, int pipeline) throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-benchmark", "-p", Integer.toString(port), "-t", "set",
                "-n", Integer.toString(requests), "-c", "50", "-q"));
        if (pipeline > 1) {
            command.addAll(List.of("-P", Integer.toString(pipeline)));
        }
        Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                run.destroyForcibly();
                throw new IOException("redis-benchmark did not end within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        // -q rewrites its progress line with \r; the last "SET: ... requests per second" is the result.
        Matcher m = RATE.matcher(out);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last == null) {
            throw new IOException("no SET rate in redis-benchmark's output: " + out.strip());
        }
        return Math.round(Double.parseDouble(last));
    }
}
