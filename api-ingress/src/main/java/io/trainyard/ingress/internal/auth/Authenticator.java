package io.trainyard.ingress.internal.auth;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Problem;
import java.time.InstantSource;
import java.util.Optional;

/** Turns a request's credentials into a {@link Principal}, or refuses with 401. */
public final class Authenticator {
    private static final long REMEMBER_MILLIS = 60_000;

    private final UserDirectory users;
    private final VerifiedLogins verified;
    private final BearerTokens tokens;
    private final Sessions sessions;
    private volatile String verifiedVersion = "";

    public Authenticator(UserDirectory users, BearerTokens tokens, Sessions sessions, InstantSource clock) {
        this.users = users;
        this.tokens = tokens;
        this.sessions = sessions;
        this.verified = new VerifiedLogins(clock, REMEMBER_MILLIS);
    }

    public BearerTokens tokens() {
        return tokens;
    }

    public Sessions sessions() {
        return sessions;
    }

    /**
     * Any of the three ways in, to one principal: Basic, Bearer (JWT), or a session cookie. A
     * request without any is refused with {@link Problem#NO_CREDENTIALS}; wrong ones with
     * {@link Problem#BAD_CREDENTIALS}.
     */
    public Principal any(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION).filter(h -> !h.isBlank());
        if (header.isPresent()) {
            String value = header.get().strip();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return bearer(value.substring(7).strip());
            }
            return verifyBasic(value);
        }
        var cookie = req.headers().cookies().first(Sessions.COOKIE);
        if (cookie.isPresent()) {
            return sessions.find(cookie.get()).orElseThrow(Authenticator::notAuthorized);
        }
        throw ApiException.of(Problem.NO_CREDENTIALS, "No auth information found");
    }

    /** Checks a password login (Chorus sessions, maiascore's token login). */
    public Optional<Principal> login(String tenantSlashUser, String password) {
        int slash = tenantSlashUser.indexOf('/');
        if (slash <= 0 || slash == tenantSlashUser.length() - 1) {
            return Optional.empty();
        }
        return users.verify(tenantSlashUser.substring(0, slash), tenantSlashUser.substring(slash + 1), password);
    }

    private Principal bearer(String token) {
        String[] names = tokens.verify(token).orElseThrow(Authenticator::notAuthorized);
        return users.find(names[0], names[1]).orElseThrow(Authenticator::notAuthorized);
    }

    public UserDirectory users() {
        return users;
    }

    Principal verifyBasic(String header) {
        String version = users.version();
        if (!version.equals(verifiedVersion)) {
            // A password, role or disabled flag may have changed: check every login again.
            verified.clear();
            verifiedVersion = version;
        }
        return verified.get(header, () -> BasicCredentials.parse(header)
                        .flatMap(c -> users.verify(c.tenant(), c.user(), c.password())))
                .orElseThrow(Authenticator::notAuthorized);
    }

    static ApiException notAuthorized() {
        return ApiException.of(Problem.BAD_CREDENTIALS, "Not authorized!");
    }
}
