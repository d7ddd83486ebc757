package io.trainyard.ingress.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers credentials that passed bcrypt for a short while, so a client sending the same
 * Authorization header on every call pays for one bcrypt check, not one per request. Keyed by a
 * SHA-256 of the header: the password itself is never kept.
 */
final class VerifiedLogins {
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Principal principal, long expiresAt) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final long ttlMillis;

    VerifiedLogins(InstantSource clock, long ttlMillis) {
        this.clock = clock;
        this.ttlMillis = ttlMillis;
    }

    Optional<Principal> get(String header) {
        Entry entry = entries.get(digest(header));
        if (entry == null || entry.expiresAt() < clock.millis()) {
            return Optional.empty();
        }
        return Optional.of(entry.principal());
    }

    void put(String header, Principal principal) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(digest(header), new Entry(principal, clock.millis() + ttlMillis));
    }

    private static String digest(String header) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(header.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
