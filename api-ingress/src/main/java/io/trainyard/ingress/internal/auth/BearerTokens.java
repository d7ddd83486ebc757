package io.trainyard.ingress.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Date;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer tokens: JWTs signed with a key from the operator's JWK Set file (HS256 shared secrets,
 * RS256 or ES256 public keys), carrying {@code tenant}, {@code sub} (the user) and {@code exp}.
 * The token names a user of the users file, whose roles apply. When the set holds a shared
 * secret, the ingress can also issue tokens itself (maiascore's login).
 */
public final class BearerTokens {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final OctetSequenceKey signingKey;
    private final String issuer;
    private final InstantSource clock;

    private BearerTokens(JWKSet keys, String issuer, InstantSource clock) {
        this.issuer = issuer;
        this.clock = clock;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(keys)));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (!issuer.isEmpty()) {
            exact.issuer(issuer);
        }
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(exact.build(), Set.of("sub", "tenant", "exp")));
        this.signingKey = keys.getKeys().stream()
                .filter(k -> k.getKeyType() == KeyType.OCT).map(k -> (OctetSequenceKey) k).findFirst().orElse(null);
    }

    /** Tokens are refused when no key file is configured ({@code keysFile} empty). */
    public static BearerTokens load(String keysFile, String issuer, InstantSource clock) {
        if (keysFile == null || keysFile.isBlank()) {
            return new BearerTokens(new JWKSet(), issuer, clock);
        }
        try {
            return new BearerTokens(JWKSet.load(Path.of(keysFile).toFile()), issuer, clock);
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("cannot read the token keys file " + keysFile + ": " + e.getMessage(), e);
        }
    }

    public static BearerTokens of(JWKSet keys, String issuer, InstantSource clock) {
        return new BearerTokens(keys, issuer, clock);
    }

    /** The tenant and user a valid token names; empty for any invalid, expired or unsigned token. */
    public Optional<String[]> verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            String tenant = claims.getStringClaim("tenant");
            String user = claims.getSubject();
            if (tenant == null || user == null) {
                return Optional.empty();
            }
            return Optional.of(new String[] {tenant, user});
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public boolean canIssue() {
        return signingKey != null;
    }

    /** A token for {@code principal}, signed with the set's shared secret. */
    public String issue(Principal principal, Duration lifetime) {
        if (signingKey == null) {
            throw new IllegalStateException("no shared secret (kty oct) in the token keys to sign with");
        }
        long now = clock.millis();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(principal.user())
                .claim("tenant", principal.tenant())
                .issueTime(new Date(now))
                .expirationTime(new Date(now + lifetime.toMillis()));
        if (!issuer.isEmpty()) {
            claims.issuer(issuer);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(signingKey.getKeyID()).build(),
                    claims.build());
            jwt.sign(new MACSigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }
}
