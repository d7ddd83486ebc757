package io.trainyard.ingress.internal.chorus;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.ingress.internal.auth.Sessions;

/**
 * Chorus (a Rails app) sends its session cookie anew with every answer (seed 002:
 * {@code Set-Cookie: _session_id=...; path=/; HttpOnly}): Rails re-encrypts the session for each
 * answer, so the value changes while the session stays. A request that came in on a session gets
 * the same session under a new value ({@link Sessions#reissue}); the values it had keep working,
 * as Rails' do, and logging out ends them all.
 */
final class SessionCookies {
    private final Sessions sessions;

    SessionCookies(Sessions sessions) {
        this.sessions = sessions;
    }

    /** Rotates the session the request came in on, if it came in on one (not on an Authorization header). */
    void rotate(ServerRequest req, ServerResponse res) {
        if (req.headers().first(HeaderNames.AUTHORIZATION).filter(h -> !h.isBlank()).isPresent()) {
            return;
        }
        req.headers().cookies().first(Sessions.COOKIE).filter(c -> c.indexOf('.') > 0).ifPresent(cookie ->
                res.header(HeaderNames.SET_COOKIE, Sessions.COOKIE + "=" + sessions.reissue(cookie) + "; path=/; HttpOnly"));
    }
}
