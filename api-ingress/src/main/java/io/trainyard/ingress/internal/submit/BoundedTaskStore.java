package io.trainyard.ingress.internal.submit;

import io.trainyard.ingress.TaskStore;

/**
 * The task store as a caller with a deadline sees it: a Redis reply not in by the deadline
 * ({@link System#nanoTime()}) fails its call with a {@code JedisException}, although the command
 * still travels and Redis may still run it.
 */
@FunctionalInterface
public interface BoundedTaskStore {
    TaskStore until(long deadlineNanos);
}
