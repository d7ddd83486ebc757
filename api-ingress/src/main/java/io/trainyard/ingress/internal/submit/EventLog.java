package io.trainyard.ingress.internal.submit;

import io.trainyard.common.ops.EventLine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event lines of the submit path ({@code event=submitted ...}), written off the request path:
 * a submit queues its line and a writer thread appends whatever queued, every
 * {@link #FLUSH_MILLIS} ms, in one write. At thousands of submits a second that is one system
 * call and one lock per batch instead of one per submit. Nothing is dropped: when the queue is
 * full the submit writes its own line, and {@link #close()} writes what is left. Lines read as
 * the service's other log lines do ({@code <time> INFO <logger> - <message>}) and obey that
 * logger's level.
 */
public final class EventLog implements AutoCloseable {
    static final long FLUSH_MILLIS = 20;
    static final int DEFAULT_CAPACITY = 65_536;

    private record Entry(long millis, String message) {}

    private final Logger logger;
    private final PrintStream out;
    private final InstantSource clock;
    private final BlockingQueue<Entry> queue;
    private final Thread writer;
    private volatile boolean closed;

    /** Lines of {@code logger}, written to {@code out}; the writer thread starts here. */
    public EventLog(Class<?> logger, PrintStream out, InstantSource clock) {
        this(logger, out, clock, DEFAULT_CAPACITY);
    }

    EventLog(Class<?> logger, PrintStream out, InstantSource clock, int capacity) {
        this.logger = LoggerFactory.getLogger(logger);
        this.out = out;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().name("event-log").daemon().start(this::writeEvery);
    }

    public void log(EventLine line) {
        if (!logger.isInfoEnabled()) {
            return;
        }
        Entry entry = new Entry(clock.millis(), line.toString());
        if (closed || !queue.offer(entry)) {
            write(List.of(entry));
        }
    }

    private void writeEvery() {
        while (!closed) {
            try {
                Thread.sleep(FLUSH_MILLIS);
            } catch (InterruptedException e) {
                break; // closing: close() writes the rest
            }
            writeQueued();
        }
    }

    private void writeQueued() {
        List<Entry> batch = new ArrayList<>(queue.size());
        queue.drainTo(batch);
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void write(List<Entry> entries) {
        StringBuilder text = new StringBuilder(entries.size() * 200);
        for (Entry entry : entries) {
            text.append(Instant.ofEpochMilli(entry.millis())).append(" INFO ").append(logger.getName())
                    .append(" - ").append(entry.message()).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(bytes, 0, bytes.length);
            out.flush();
        }
    }

    /** Stops the writer and writes every line still queued; later lines are written directly. */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeQueued();
    }
}
