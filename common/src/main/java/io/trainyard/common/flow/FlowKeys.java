package io.trainyard.common.flow;

import io.trainyard.common.store.TenantKeys;
import java.util.regex.Pattern;

/**
 * The Redis keys of a tenant's flow control (pause, rate limits, concurrency limits per key), all
 * in the tenant's hash tag like {@link TenantKeys}, so {@code flow.lua} touches one slot.
 */
public record FlowKeys(String tenant) {
    /** Tenants that have parked jobs: where the scheduler's flow sweep looks. Its own slot; no script writes it. */
    public static final String TENANTS = "trainyard:flow:tenants";
    /** The scope of a pause of a tenant's whole queue (else a job type's name). */
    public static final String WHOLE_QUEUE = "*";
    /** What {@link #isKey} asks of a key, for messages. */
    public static final String KEY_RULE = "must be 1 to 128 letters, digits or _.:@/- and start with a letter or digit";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,127}");

    public FlowKeys {
        new TenantKeys(tenant); // the same rules
    }

    /** Whether {@code key} may name a concurrency key: letters, digits and {@code _.:@/-}, at most 128. */
    public static boolean isKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    private String prefix() {
        return "ty:{" + tenant + "}:flow:";
    }

    /**
     * Hash of the tenant's flow policy: {@code paused:*} or {@code paused:<TYPE>} while paused,
     * {@code limit:<key>} runs at once, {@code rate:<key>} and {@code rate:*} (the tenant) jobs per second.
     */
    public String policy() {
        return prefix() + "policy";
    }

    /** Sorted set of the runs holding a slot of {@code key}, scored by when an unstarted one's reservation ends. */
    public String holders(String key) {
        return prefix() + "holders:" + key;
    }

    /** List of the job messages waiting for a slot of {@code key}, oldest first. */
    public String waiting(String key) {
        return prefix() + "waiting:" + key;
    }

    /** Set of the keys that have (or had) waiting jobs, for the sweep. */
    public String waitingKeys() {
        return prefix() + "keys";
    }

    /** List of the job messages parked by a pause of {@code scope} ({@link #WHOLE_QUEUE} or a job type). */
    public String paused(String scope) {
        return prefix() + "paused:" + scope;
    }

    /** Sorted set of rate-limited job messages, scored by the time their token was reserved for. */
    public String delayed() {
        return prefix() + "delayed";
    }

    /** The token bucket (theoretical arrival time, epoch ms) of {@code key}, or of the tenant for {@link #WHOLE_QUEUE}. */
    public String bucket(String key) {
        return prefix() + "bucket:" + key;
    }
}
