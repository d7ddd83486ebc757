package io.trainyard.ingress.internal.auth;

import io.trainyard.common.store.TenantKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Login sessions (Chorus's {@code _session_id} cookie). The cookie is {@code tenant.secret} (and a
 * nonce after a further dot once {@link #reissue reissued}); Redis
 * keeps only a SHA-256 of the secret, under the tenant's prefix, expiring after the session's
 * lifetime. Any ingress instance can resolve any session.
 */
public final class Sessions {
    public static final String COOKIE = "_session_id";
    public static final Duration LIFETIME = Duration.ofHours(12);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UnifiedJedis redis;
    private final UserDirectory users;

    public Sessions(UnifiedJedis redis, UserDirectory users) {
        this.redis = redis;
        this.users = users;
    }

    /** Opens a session; returns the cookie value. */
    public String open(Principal principal) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        redis.set(key(principal.tenant(), token), principal.user(), SetParams.setParams().ex(LIFETIME.toSeconds()));
        return principal.tenant() + "." + token;
    }

    /**
     * The same session under a new cookie value, {@code tenant.secret.nonce}, as a Rails app
     * re-encrypts its session cookie for every answer: the value changes, the session does not,
     * and every value it was given stays valid for the session's life.
     */
    public String reissue(String cookie) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        return cookie.substring(0, cookie.indexOf('.') + 1) + token(cookie) + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
    }

    /** The secret of a cookie value, without a {@link #reissue} nonce. */
    private static String token(String cookie) {
        String rest = cookie.substring(cookie.indexOf('.') + 1);
        int nonce = rest.indexOf('.');
        return nonce < 0 ? rest : rest.substring(0, nonce);
    }

    public Optional<Principal> find(String cookie) {
        int dot = cookie == null ? -1 : cookie.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String tenant = cookie.substring(0, dot);
        try {
            String user = redis.get(key(tenant, token(cookie)));
            return user == null ? Optional.empty() : users.find(tenant, user);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a valid tenant: not a session of ours
        }
    }

    public void close(String cookie) {
        int dot = cookie == null ? -1 : cookie.indexOf('.');
        if (dot > 0) {
            try {
                redis.del(key(cookie.substring(0, dot), token(cookie)));
            } catch (IllegalArgumentException e) {
                // not a valid tenant: nothing to close
            }
        }
    }

    private static String key(String tenant, String token) {
        new TenantKeys(tenant); // same tenant rules as every other key
        String prefix = "ty:{" + tenant + "}:session:";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return prefix + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
