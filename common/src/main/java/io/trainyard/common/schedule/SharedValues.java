package io.trainyard.common.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One instance for each value that recently decoded schedules repeat: a scheduler holding a
 * million schedules would otherwise keep a million copies of each tenant's name and of each cron
 * rule (about 150 bytes a schedule), and parse each rule's text a million times as it loads
 * them. Only immutable values belong here. The values of the most recently seen {@code capacity}
 * keys are kept; a key seen after it was dropped gets its value made anew, so an unbounded
 * variety of keys costs memory like no sharing at all, never more. Thread-safe.
 */
final class SharedValues<K, V> {
    private final Map<K, V> recent;

    SharedValues(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Values that are their own keys (strings): the instance equal to {@code value} seen before, or {@code value}. */
    static <T> SharedValues<T, T> ofValues(int capacity) {
        return new SharedValues<>(capacity);
    }

    /** {@link #get} for values that are their own keys; null stays null. */
    @SuppressWarnings("unchecked")
    V share(K value) {
        return value == null ? null : get(value, key -> (V) key);
    }

    /**
     * The value kept for {@code key}, or the one {@code make} makes (outside the lock; it may
     * throw, and then nothing is kept).
     */
    V get(K key, Function<K, V> make) {
        synchronized (recent) {
            V known = recent.get(key);
            if (known != null) {
                return known;
            }
        }
        V made = make.apply(key);
        synchronized (recent) {
            V raced = recent.putIfAbsent(key, made);
            return raced != null ? raced : made;
        }
    }

    int size() {
        synchronized (recent) {
            return recent.size();
        }
    }
}
