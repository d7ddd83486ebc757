package io.trainyard.ingress.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.core.type.TypeReference;
import io.trainyard.common.json.Json;
import io.trainyard.common.resource.ResourceFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's users: a JSON list of {@code {tenant, user, passwordHash, roles}} with bcrypt
 * hashes, read once at start-up. A bad file stops the service with the entry at fault named.
 */
public final class UserDirectory {
    /** Checked when the user is unknown, so a wrong user name costs as long as a wrong password. */
    private static final byte[] DECOY_HASH = BCrypt.withDefaults()
            .hash(10, "trainyard-decoy".getBytes(StandardCharsets.UTF_8));

    /** One entry of the users file. */
    public record User(String tenant, String user, String passwordHash, Set<Role> roles) {}

    private final Map<String, User> users;

    private UserDirectory(Map<String, User> users) {
        this.users = Map.copyOf(users);
    }

    public static UserDirectory load(Path file) {
        List<User> entries;
        try {
            entries = Json.MAPPER.readValue(Files.readAllBytes(file), new TypeReference<List<User>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the users file " + file + ": " + e.getMessage(), e);
        }
        return of(entries);
    }

    public static UserDirectory of(List<User> entries) {
        Map<String, User> byLogin = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            User u = entries.get(i);
            String where = "users file entry " + i;
            if (u == null || !ResourceFiles.isSafeId(u.tenant())) {
                throw new IllegalArgumentException(where + ": tenant must match [A-Za-z0-9][A-Za-z0-9_.-]*");
            }
            if (u.user() == null || u.user().isBlank() || u.user().contains(":")) {
                throw new IllegalArgumentException(where + ": user is required and may not contain ':'");
            }
            if (u.passwordHash() == null || !u.passwordHash().startsWith("$2")) {
                throw new IllegalArgumentException(where + ": passwordHash must be a bcrypt hash");
            }
            if (u.roles() == null || u.roles().isEmpty()) {
                throw new IllegalArgumentException(where + ": roles must list at least one of " + List.of(Role.values()));
            }
            if (byLogin.put(u.tenant() + "/" + u.user(), u) != null) {
                throw new IllegalArgumentException(where + ": duplicate user " + u.tenant() + "/" + u.user());
            }
        }
        return new UserDirectory(byLogin);
    }

    /** The principal for these credentials, or empty when they are wrong. */
    public Optional<Principal> verify(String tenant, String user, String password) {
        User entry = users.get(tenant + "/" + user);
        byte[] hash = entry == null ? DECOY_HASH : entry.passwordHash().getBytes(StandardCharsets.UTF_8);
        boolean ok = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash).verified;
        if (entry == null || !ok) {
            return Optional.empty();
        }
        return Optional.of(new Principal(entry.tenant(), entry.user(), entry.roles()));
    }

    /** A principal by name without a password: for a session or token that was already verified. */
    public Optional<Principal> find(String tenant, String user) {
        User entry = users.get(tenant + "/" + user);
        return entry == null ? Optional.empty()
                : Optional.of(new Principal(entry.tenant(), entry.user(), entry.roles()));
    }
}
