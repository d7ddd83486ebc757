package io.trainyard.ingress.internal.ui;

import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.ingress.internal.auth.Authenticator;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Sessions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The console's sign-in: the same {@code _session_id} session the Chorus dialect opens (so every
 * ingress resolves it), set HttpOnly and SameSite=Strict, and the CSRF tokens its forms carry.
 * A signed-in form's token is a digest of the session cookie, which a page of another site can
 * neither read nor compute; the sign-in form, before there is a session, pairs a random cookie
 * with the same value in a hidden field.
 */
final class ConsoleSession {
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String LOGIN_COOKIE = "ty_login";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Authenticator authenticator;

    ConsoleSession(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** Who the session cookie belongs to, if it names a live session. */
    Optional<Principal> principal(ServerRequest req) {
        return cookie(req).flatMap(authenticator.sessions()::find);
    }

    Optional<Principal> login(String tenantSlashUser, String password) {
        return authenticator.login(tenantSlashUser, password);
    }

    void open(ServerRequest req, ServerResponse res, Principal principal) {
        String cookie = authenticator.sessions().open(principal);
        boolean secure = overTls(req);
        res.headers().addCookie(cookie(Sessions.COOKIE, cookie, Sessions.LIFETIME, secure));
        res.headers().addCookie(cookie(LOGIN_COOKIE, "", Duration.ZERO, secure));
    }

    /**
     * Whether the browser reached the console over TLS, here or at a proxy in front that says so:
     * then the session cookie is Secure, never sent over plain http. (A forged header can only
     * make the cookie stricter.)
     */
    static boolean overTls(ServerRequest req) {
        return req.isSecure() || req.headers().value(io.helidon.http.HeaderNames.X_FORWARDED_PROTO)
                .map(p -> p.equalsIgnoreCase("https")).orElse(false);
    }

    void close(ServerRequest req, ServerResponse res) {
        cookie(req).ifPresent(authenticator.sessions()::close);
        res.headers().addCookie(cookie(Sessions.COOKIE, "", Duration.ZERO, overTls(req)));
    }

    /** The token every form of this session carries. */
    String csrfToken(ServerRequest req) {
        return cookie(req).map(ConsoleSession::digest).orElse("");
    }

    /** True when the request carries its session's token, in the header (htmx) or the form field. */
    boolean csrfValid(ServerRequest req, String formValue) {
        String expected = csrfToken(req);
        String given = req.headers().value(io.helidon.http.HeaderNames.create(CSRF_HEADER)).orElse(formValue);
        return !expected.isEmpty() && given != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh token for the sign-in form, also set as a cookie the form's post must bring back. */
    String issueLoginToken(ServerRequest req, ServerResponse res) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        res.headers().addCookie(cookie(LOGIN_COOKIE, token, Duration.ofMinutes(30), overTls(req)));
        return token;
    }

    boolean loginTokenValid(ServerRequest req, String formValue) {
        String expected = req.headers().cookies().first(LOGIN_COOKIE).orElse("");
        return !expected.isEmpty() && formValue != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), formValue.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> cookie(ServerRequest req) {
        return req.headers().cookies().first(Sessions.COOKIE).filter(c -> !c.isBlank());
    }

    private static SetCookie cookie(String name, String value, Duration maxAge, boolean secure) {
        return SetCookie.builder(name, value).path("/").httpOnly(true).sameSite(SetCookie.SameSite.STRICT)
                .secure(secure).maxAge(maxAge).build();
    }

    private static String digest(String sessionCookie) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(("trainyard-console-csrf:" + sessionCookie).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
