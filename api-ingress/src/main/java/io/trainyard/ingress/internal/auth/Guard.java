package io.trainyard.ingress.internal.auth;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Problem;
import java.util.function.Function;

/** Wraps handlers so that they run only for an authenticated principal holding a role. */
public final class Guard {
    /** A handler that is told who is calling. */
    @FunctionalInterface
    public interface AuthedHandler {
        void handle(ServerRequest req, ServerResponse res, Principal principal) throws Exception;
    }

    private final Function<ServerRequest, Principal> authenticate;

    public Guard(Function<ServerRequest, Principal> authenticate) {
        this.authenticate = authenticate;
    }

    public Handler require(Role role, AuthedHandler handler) {
        return require(role, handler, false);
    }

    /**
     * As {@link #require(Role, AuthedHandler)}, but a request without credentials is refused as one with wrong
     * credentials ("Not authorized!"), as MLW's workflow endpoint answers it (seed 000), where
     * its execute endpoint says "No auth information found" (seed 001).
     */
    public Handler requireRefusingMissingAsNotAuthorized(Role role, AuthedHandler handler) {
        return require(role, handler, true);
    }

    private Handler require(Role role, AuthedHandler handler, boolean missingIsNotAuthorized) {
        return (req, res) -> {
            Principal principal;
            try {
                principal = authenticate.apply(req);
            } catch (ApiException e) {
                throw missingIsNotAuthorized && e.problem() == Problem.NO_CREDENTIALS ? Authenticator.notAuthorized() : e;
            }
            if (!principal.has(role)) {
                throw ApiException.of(Problem.FORBIDDEN, "Access is denied: the " + role + " role is required");
            }
            handler.handle(req, res, principal);
        };
    }
}
