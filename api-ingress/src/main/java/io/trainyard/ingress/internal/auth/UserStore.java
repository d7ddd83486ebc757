package io.trainyard.ingress.internal.auth;

import io.trainyard.common.json.Json;
import io.trainyard.common.ops.EventLine;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.ingress.HashPassword;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * The users and tenants, kept in Redis so every ingress sees a change: per tenant a hash of user
 * name to {@code {passwordHash, roles, disabled, seed}}, the set of tenants, and a version counter
 * every change increments. Each ingress keeps the whole directory in memory and looks at the
 * version at most every {@link #RECHECK} (one GET), reloading when it moved; its own changes it
 * sees at once. The users file is the seed: at start, a file entry that is new or changed since it
 * was last seeded replaces the stored user; users made or changed through the API otherwise stay.
 */
public final class UserStore {
    static final String TENANTS = "trainyard:tenants";
    static final String VERSION = "trainyard:users:version";
    public static final Duration RECHECK = Duration.ofMillis(250);

    /** A stored user; {@code seed} is the digest of the users-file entry it came from, if any. */
    record Stored(String passwordHash, Set<Role> roles, boolean disabled, String seed) {}

    private final UnifiedJedis redis;
    private final InstantSource clock;
    private final Consumer<EventLine> events;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile Map<String, UserDirectory.User> users = Map.of();
    private volatile Set<String> tenants = Set.of();
    private volatile String version = "";
    private volatile long checkedAt;

    public UserStore(UnifiedJedis redis, InstantSource clock, Consumer<EventLine> events) {
        this.redis = redis;
        this.clock = clock;
        this.events = events;
    }

    static String key(String tenant) {
        return "ty:{" + new TenantKeys(tenant).tenant() + "}:users";
    }

    /** Writes the users file's entries that are new or changed since the last seeding, then loads everything. */
    public UserStore seed(List<UserDirectory.User> file) {
        boolean changed = false;
        for (UserDirectory.User u : file) {
            String seed = digest(u);
            String current = redis.hget(key(u.tenant()), u.user());
            Stored stored = current == null ? null : read(current);
            if (stored == null || !seed.equals(stored.seed())) {
                redis.hset(key(u.tenant()), u.user(), Json.writeString(new Stored(u.passwordHash(), u.roles(),
                        stored != null && stored.disabled(), seed)));
                changed = true;
            }
            redis.sadd(TENANTS, u.tenant());
        }
        if (changed) {
            redis.incr(VERSION);
        }
        reload();
        return this;
    }

    /** The directory as of at most {@link #RECHECK} ago. */
    Map<String, UserDirectory.User> users() {
        long now = clock.millis();
        if (now - checkedAt >= RECHECK.toMillis() && reloading.tryLock()) {
            try {
                checkedAt = now;
                String current = redis.get(VERSION);
                if (current != null && !current.equals(version)) {
                    reload();
                }
            } catch (RuntimeException e) {
                // Redis away: keep serving the directory last read; every other read fails anyway.
            } finally {
                reloading.unlock();
            }
        }
        return users;
    }

    /** Changes of the directory so far: moves whenever it is reloaded. */
    String version() {
        users();
        return version;
    }

    public Set<String> tenants() {
        users();
        return tenants;
    }

    public boolean tenantExists(String tenant) {
        return tenants().contains(tenant);
    }

    public List<UserDirectory.User> usersOf(String tenant) {
        return users().values().stream().filter(u -> u.tenant().equals(tenant))
                .sorted(java.util.Comparator.comparing(UserDirectory.User::user)).toList();
    }

    /** Creates a tenant; false when it existed. */
    public boolean createTenant(String tenant, String by) {
        checkTenant(tenant);
        boolean added = redis.sadd(TENANTS, tenant) == 1;
        if (added) {
            changed(EventLine.of("tenant-created").with("tenant", tenant).with("by", by));
        }
        return added;
    }

    /** Adds a user with a bcrypt hash of {@code password}; false when the user exists. */
    public boolean addUser(String tenant, String user, String password, Set<Role> roles, String by) {
        String value = Json.writeString(new Stored(HashPassword.hash(password), roles, false, ""));
        boolean added = redis.hsetnx(key(tenant), user, value) == 1;
        if (added) {
            changed(EventLine.of("user-added").with("tenant", tenant).with("user", user)
                    .with("roles", new TreeSet<>(roles).toString()).with("by", by));
        }
        return added;
    }

    /** Sets a new password; false when there is no such user. */
    public boolean resetPassword(String tenant, String user, String password, String by) {
        return update(tenant, user, s -> new Stored(HashPassword.hash(password), s.roles(), s.disabled(), s.seed()),
                EventLine.of("user-password-reset").with("tenant", tenant).with("user", user).with("by", by));
    }

    /** Disables or enables a user; false when there is no such user. */
    public boolean setDisabled(String tenant, String user, boolean disabled, String by) {
        return update(tenant, user, s -> new Stored(s.passwordHash(), s.roles(), disabled, s.seed()),
                EventLine.of(disabled ? "user-disabled" : "user-enabled").with("tenant", tenant).with("user", user)
                        .with("by", by));
    }

    private boolean update(String tenant, String user, java.util.function.UnaryOperator<Stored> change, EventLine event) {
        String current = redis.hget(key(tenant), user);
        if (current == null) {
            return false;
        }
        // Last writer wins: two admins changing one user at once is not worth a transaction.
        redis.hset(key(tenant), user, Json.writeString(change.apply(read(current))));
        changed(event);
        return true;
    }

    private void changed(EventLine event) {
        redis.incr(VERSION);
        reload();
        events.accept(event);
    }

    private void reload() {
        String current = redis.get(VERSION);
        Set<String> names = redis.smembers(TENANTS);
        Map<String, Response<Map<String, String>>> byTenant = new HashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            names.forEach(t -> byTenant.put(t, p.hgetAll(key(t))));
            p.sync();
        }
        Map<String, UserDirectory.User> loaded = new HashMap<>();
        byTenant.forEach((tenant, response) -> response.get().forEach((user, json) -> {
            Stored s = read(json);
            loaded.put(tenant + "/" + user, new UserDirectory.User(tenant, user, s.passwordHash(), s.roles(),
                    s.disabled()));
        }));
        users = Map.copyOf(loaded);
        tenants = Set.copyOf(names);
        version = current == null ? "0" : current;
    }

    private static Stored read(String json) {
        try {
            return Json.MAPPER.readValue(json, Stored.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored user is not valid JSON: " + e.getMessage(), e);
        }
    }

    static void checkTenant(String tenant) {
        if (!ResourceFiles.isSafeId(tenant) || tenant.length() > 64) {
            throw new IllegalArgumentException("a tenant is 1 to 64 of A-Z a-z 0-9 _ . - and starts with a letter or digit");
        }
    }

    private static String digest(UserDirectory.User u) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((u.passwordHash() + "|" + new TreeSet<>(u.roles()))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
