package io.trainyard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed-rate (open-loop) HTTP load generator: request {@code i} is due at {@code start + i/rate}
 * whether or not earlier ones were answered, and its latency is measured from when it was due,
 * so a stalled server shows in the percentiles instead of slowing the generator down (no
 * coordinated omission). Each connection is a virtual thread taking the next due request.
 */
final class OpenLoopHttp {
    /** What a fixed-rate run saw. */
    record Outcome(Latencies latencies, long sent, long ok, long failed, double seconds) {
        double achievedRate() {
            return sent / seconds;
        }
    }

    private OpenLoopHttp() {}

    static Outcome run(int port, String path, String authorization, String prefix, int rate, int seconds,
                       int connections) {
        long total = (long) rate * seconds;
        long interval = 1_000_000_000L / rate;
        AtomicLong next = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Latencies latencies = new Latencies();
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: " + authorization
                + "\r\nContent-Type: application/json\r\n";
        long start = System.nanoTime() + 100_000_000L;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < connections; c++) {
                threads.submit(() -> {
                    try (HttpConnection connection = new HttpConnection("127.0.0.1", port)) {
                        for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                            long due = start + i * interval;
                            Pause.untilNanos(due);
                            byte[] body = ("{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\""
                                    + prefix + "-" + i + "\"}").getBytes(StandardCharsets.UTF_8);
                            byte[] request = (head + "Content-Length: " + body.length + "\r\n\r\n"
                                    + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                            int status;
                            try {
                                status = connection.exchange(request);
                            } catch (IOException | RuntimeException e) {
                                connection.close();
                                status = -1;
                            }
                            latencies.recordMicros((System.nanoTime() - due) / 1_000);
                            (status == 200 ? ok : failed).incrementAndGet();
                        }
                    }
                });
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Outcome(latencies, total, ok.get(), failed.get(), elapsed);
    }
}
