package io.trainyard.ingress.internal.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A command waiting in a {@link PipelineLanes} queue for its round trip. The lane only moves
 * bytes: it hands over the raw reply, and the caller's own thread decodes it.
 */
final class QueuedCommand<T> {
    /** Longer than any round trip can take: the lanes' sockets time out well before. */
    static final long MAX_WAIT_MILLIS = 30_000;

    private final CommandObject<T> command;
    private final CompletableFuture<Object> reply = new CompletableFuture<>();

    QueuedCommand(CommandObject<T> command) {
        this.command = command;
    }

    CommandArguments arguments() {
        return command.getArguments();
    }

    /** The raw reply; a {@link JedisDataException} stands for Redis's error reply to this command. */
    void answer(Object raw) {
        reply.complete(raw);
    }

    void fail(JedisException e) {
        reply.completeExceptionally(e);
    }

    /** Waits for the reply; throws what Redis or the connection said, as a direct call would. */
    T get() {
        return decode(raw());
    }

    /** {@link #get()}, waiting until {@code deadlineNanos} ({@link System#nanoTime()}) at most. */
    T get(long deadlineNanos) {
        return decode(raw(deadlineNanos));
    }

    /** The raw reply, or a {@link JedisDataException} for an error reply; a lost connection throws. */
    Object raw() {
        return raw(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS));
    }

    /**
     * {@link #raw()}, waiting until {@code deadlineNanos} at most. A caller that stops waiting
     * does not take the command back: it still travels, and Redis may still run it.
     */
    Object raw(long deadlineNanos) {
        try {
            return reply.get(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof JedisException cause ? cause
                    : new JedisConnectionException("the Redis round trip failed", e.getCause());
        } catch (TimeoutException e) {
            throw new JedisConnectionException("no reply from Redis in the time the caller had", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JedisConnectionException("interrupted while waiting for Redis", e);
        }
    }

    T decode(Object raw) {
        if (raw instanceof JedisDataException error) {
            throw error;
        }
        return command.getBuilder().build(raw);
    }
}
