package io.trainyard.ingress.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Remembers credentials that passed bcrypt for a short while, so a client sending the same
 * Authorization header on every call pays for one bcrypt check, not one per request. Keyed by a
 * SHA-256 of the header: the password itself is never kept.
 *
 * <p>One check per header at a time: requests arriving with a header that is being checked wait
 * for that check rather than each running bcrypt (64 connections of one client would otherwise
 * spend seconds of CPU at once, every time the entry expires). While a remembered header is
 * re-checked after expiry, the other requests keep its remembered principal.
 */
final class VerifiedLogins {
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Principal principal, long expiresAt) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<Principal>>> checking = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final long ttlMillis;

    VerifiedLogins(InstantSource clock, long ttlMillis) {
        this.clock = clock;
        this.ttlMillis = ttlMillis;
    }

    /** The principal {@code header} stands for: remembered, or found by {@code check} (bcrypt) and remembered. */
    Optional<Principal> get(String header, Supplier<Optional<Principal>> check) {
        String key = digest(header);
        Entry known = entries.get(key);
        if (known != null && known.expiresAt() >= clock.millis()) {
            return Optional.of(known.principal());
        }
        CompletableFuture<Optional<Principal>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<Principal>> running = checking.putIfAbsent(key, mine);
        if (running != null) {
            return known != null ? Optional.of(known.principal()) : await(running);
        }
        try {
            Optional<Principal> principal = check.get();
            if (principal.isPresent()) {
                remember(key, principal.get());
            } else {
                entries.remove(key);
            }
            mine.complete(principal);
            return principal;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            checking.remove(key, mine);
        }
    }

    void clear() {
        entries.clear();
    }

    private void remember(String key, Principal principal) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key, new Entry(principal, clock.millis() + ttlMillis));
    }

    private static Optional<Principal> await(CompletableFuture<Optional<Principal>> check) {
        try {
            return check.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Copied per use: {@code MessageDigest.getInstance} looks the algorithm up among the security
     * providers each time, which was half the cost of this digest on every request.
     */
    private static final MessageDigest SHA_256 = sha256();

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String digest(String header) {
        MessageDigest sha;
        try {
            sha = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            sha = sha256();
        }
        return HexFormat.of().formatHex(sha.digest(header.getBytes(StandardCharsets.UTF_8)));
    }
}
