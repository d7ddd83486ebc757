package io.trainyard.ingress.internal.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.executors.CommandExecutor;

/**
 * Runs the Redis commands of all requests over a few connections ("lanes"), each with a thread
 * of its own. A lane takes every command queued since its last round trip, writes them in one
 * go and reads their replies in order, so under load one round trip carries the commands of
 * many requests: Redis reads and answers once per batch, not once per command, and a request
 * waiting for Redis parks on its reply instead of on a socket. An idle ingress still sends a
 * command as soon as it is queued.
 *
 * <p>A group of commands (a pipeline) travels in one round trip, in order. When a round trip
 * fails (Redis down, socket timeout) every command in it fails with that error, the lane drops
 * its connection and opens a new one for the next batch.
 */
final class PipelineLanes implements CommandExecutor {
    /** Commands per round trip at most, so one batch's replies stay a bounded read. */
    static final int MAX_BATCH = 512;

    private final BlockingQueue<List<QueuedCommand<?>>> queue = new LinkedBlockingQueue<>();
    private final Supplier<Connection> connect;
    private final List<Thread> lanes = new ArrayList<>();
    private volatile boolean closed;

    PipelineLanes(int count, Supplier<Connection> connect) {
        this.connect = connect;
        for (int i = 0; i < count; i++) {
            lanes.add(Thread.ofPlatform().name("redis-lane-" + i).daemon().start(this::run));
        }
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        QueuedCommand<T> queued = new QueuedCommand<>(command);
        enqueue(List.of(queued));
        return queued.get();
    }

    /** {@link #executeCommand}, waiting for the reply until {@code deadlineNanos} at most. */
    <T> T executeCommand(CommandObject<T> command, long deadlineNanos) {
        QueuedCommand<T> queued = new QueuedCommand<>(command);
        enqueue(List.of(queued));
        return queued.get(deadlineNanos);
    }

    /** Queues commands that must travel together and in order. */
    void enqueue(List<QueuedCommand<?>> group) {
        if (closed) {
            throw new JedisConnectionException("the Redis client is closed");
        }
        queue.add(group);
        if (closed) {
            failQueued(); // close() ran meanwhile; nobody else will take it
        }
    }

    private void run() {
        Connection connection = null;
        List<QueuedCommand<?>> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.addAll(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            List<QueuedCommand<?>> next;
            while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
                batch.addAll(next);
            }
            connection = roundTrip(connection, batch);
            batch.clear();
        }
        if (connection != null) {
            connection.close();
        }
    }

    /** Sends the batch and hands out its replies; returns the connection to use next (null: open a new one). */
    private Connection roundTrip(Connection connection, List<QueuedCommand<?>> batch) {
        Connection open = connection;
        try {
            if (open == null) {
                open = connect.get();
            }
            for (QueuedCommand<?> command : batch) {
                open.sendCommand(command.arguments());
            }
            List<Object> replies = open.getMany(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer(replies.get(i));
            }
            return open;
        } catch (JedisException e) {
            batch.forEach(command -> command.fail(e));
        } catch (RuntimeException | Error e) {
            JedisConnectionException failure = new JedisConnectionException("the Redis round trip failed", e);
            batch.forEach(command -> command.fail(failure));
        }
        if (open != null) {
            open.close(); // its state is unknown after a failed round trip
        }
        return null;
    }

    private void failQueued() {
        JedisConnectionException closing = new JedisConnectionException("the Redis client is closed");
        List<QueuedCommand<?>> group;
        while ((group = queue.poll()) != null) {
            group.forEach(command -> command.fail(closing));
        }
    }

    @Override
    public void close() {
        closed = true;
        lanes.forEach(Thread::interrupt);
        for (Thread lane : lanes) {
            try {
                lane.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        failQueued();
    }
}
