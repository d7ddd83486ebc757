package io.trainyard.worker.internal.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a process's output stream to its end, keeping the first {@code limit} bytes and counting
 * the rest, so a script that prints gigabytes neither blocks on a full pipe nor fills the heap.
 */
final class BoundedCapture {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int limit;
    private long dropped;
    private int reported;
    private final Thread reader;

    private BoundedCapture(InputStream in, int limit, String name) {
        this.limit = limit;
        this.reader = Thread.ofVirtual().name(name).start(() -> drain(in));
    }

    static BoundedCapture of(InputStream in, int limit, String name) {
        return new BoundedCapture(in, limit, name);
    }

    private void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (this) {
                    int room = (int) Math.max(0, limit - kept.size());
                    int keep = Math.min(room, n);
                    kept.write(buffer, 0, keep);
                    dropped += n - keep;
                }
            }
        } catch (IOException e) {
            // The process was killed and the pipe closed: what was read so far is the output.
        }
    }

    /** What was kept so far, when more than the last time this was asked (for live output); else null. */
    synchronized String ifGrown() {
        if (kept.size() == reported) {
            return null;
        }
        reported = kept.size();
        return kept.toString(StandardCharsets.UTF_8);
    }

    /** Waits up to {@code millis} for the stream's end, then returns what was kept, marked when cut. */
    String text(long millis) throws InterruptedException {
        reader.join(java.time.Duration.ofMillis(millis));
        synchronized (this) {
            String text = kept.toString(StandardCharsets.UTF_8);
            return dropped == 0 ? text : text + "\n[trainyard: output truncated, " + dropped + " more bytes dropped]\n";
        }
    }
}
