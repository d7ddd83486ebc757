package io.trainyard.ingress.internal.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** MLW-style Basic credentials: {@code Basic base64(tenant/user:password)}. */
record BasicCredentials(String tenant, String user, String password) {

    /** Parses an Authorization header value; empty when it is not well-formed Basic credentials. */
    public static Optional<BasicCredentials> parse(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String login = decoded.substring(0, colon);
        int slash = login.indexOf('/');
        if (slash <= 0 || slash == login.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new BasicCredentials(login.substring(0, slash), login.substring(slash + 1),
                decoded.substring(colon + 1)));
    }
}
