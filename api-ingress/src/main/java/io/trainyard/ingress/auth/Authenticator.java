package io.trainyard.ingress.auth;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.trainyard.ingress.http.ApiException;
import io.trainyard.ingress.http.Problem;
import java.time.InstantSource;
import java.util.Optional;

/** Turns a request's credentials into a {@link Principal}, or refuses with 401. */
public final class Authenticator {
    private static final long REMEMBER_MILLIS = 60_000;

    private final UserDirectory users;
    private final VerifiedLogins verified;

    public Authenticator(UserDirectory users, InstantSource clock) {
        this.users = users;
        this.verified = new VerifiedLogins(clock, REMEMBER_MILLIS);
    }

    public UserDirectory users() {
        return users;
    }

    /** Basic {@code tenant/user:password}, as MLW clients send it. */
    public Principal basic(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || header.get().isBlank()) {
            throw ApiException.of(Problem.NO_CREDENTIALS, "No auth information found");
        }
        return verifyBasic(header.get());
    }

    Principal verifyBasic(String header) {
        Optional<Principal> known = verified.get(header);
        if (known.isPresent()) {
            return known.get();
        }
        BasicCredentials credentials = BasicCredentials.parse(header)
                .orElseThrow(Authenticator::notAuthorized);
        Principal principal = users.verify(credentials.tenant(), credentials.user(), credentials.password())
                .orElseThrow(Authenticator::notAuthorized);
        verified.put(header, principal);
        return principal;
    }

    static ApiException notAuthorized() {
        return ApiException.of(Problem.BAD_CREDENTIALS, "Not authorized!");
    }
}
