package io.trainyard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (closed loop: every connection sends its next request when the last is answered) with bench/http/submit.lua. */
final class Wrk {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

    /** What one wrk run reported; latencies in milliseconds. */
    record Result(double requestsPerSecond, long requests, long non2xx, long socketErrors, double p50, double p99,
                  double p999, String output) {}

    private Wrk() {}

    static boolean available() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Result run(Path script, String url, int threads, int connections, int seconds, String authorization,
                      String prefix) {
        List<String> command = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "-s", script.toString(), url, "--", authorization, prefix);
        String out;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("wrk failed:\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run wrk", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return parse(out);
    }

    static Result parse(String out) {
        Matcher rate = RATE.matcher(out);
        Matcher non2xx = NON_2XX.matcher(out);
        JsonNode json = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("wrk-json ")) {
                try {
                    json = Json.MAPPER.readTree(line.substring("wrk-json ".length()));
                } catch (IOException e) {
                    throw new IllegalStateException("unreadable wrk summary: " + line, e);
                }
            }
        }
        if (!rate.find() || json == null) {
            throw new IllegalStateException("unexpected wrk output:\n" + out);
        }
        long socketErrors = json.path("connectErrors").asLong() + json.path("readErrors").asLong()
                + json.path("writeErrors").asLong() + json.path("timeouts").asLong();
        return new Result(Double.parseDouble(rate.group(1)), json.path("requests").asLong(),
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, socketErrors,
                json.path("p50Micros").asLong() / 1000.0, json.path("p99Micros").asLong() / 1000.0,
                json.path("p999Micros").asLong() / 1000.0, out);
    }
}
