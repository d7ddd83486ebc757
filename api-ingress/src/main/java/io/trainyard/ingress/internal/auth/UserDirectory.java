package io.trainyard.ingress.internal.auth;

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
import java.util.function.Supplier;

/**
 * Who may sign in: the operator's users file (a JSON list of {@code {tenant, user, passwordHash,
 * roles}} with bcrypt hashes; a bad file stops the service with the entry at fault named), which
 * seeds the {@link UserStore} in Redis that the ingress then reads. A disabled user is unknown here.
 */
public final class UserDirectory {
    /** Checked when the user is unknown, so a wrong user name costs as long as a wrong password. */
    private static final byte[] DECOY_HASH = BCrypt.withDefaults()
            .hash(10, "trainyard-decoy".getBytes(StandardCharsets.UTF_8));

    /** One user; the users file's entries are never disabled. */
    public record User(String tenant, String user, String passwordHash, Set<Role> roles, boolean disabled) {
        public User(String tenant, String user, String passwordHash, Set<Role> roles) {
            this(tenant, user, passwordHash, roles, false);
        }
    }

    /** An entry as the file has it (no disabled flag: a file user is disabled through the API). */
    private record FileEntry(String tenant, String user, String passwordHash, Set<Role> roles) {}

    private final Supplier<Map<String, User>> users;
    private final Supplier<String> version;

    private UserDirectory(Supplier<Map<String, User>> users, Supplier<String> version) {
        this.users = users;
        this.version = version;
    }

    /** The directory the store holds, as every ingress sees it. */
    public static UserDirectory stored(UserStore store) {
        return new UserDirectory(store::users, store::version);
    }

    /** Changes whenever a user may have changed (password, roles, disabled): remembered logins are forgotten. */
    String version() {
        return version.get();
    }

    /** The users file's entries, checked. */
    public static List<User> read(Path file) {
        List<User> entries;
        try {
            entries = Json.MAPPER.readValue(Files.readAllBytes(file), new TypeReference<List<FileEntry>>() {})
                    .stream().map(e -> e == null ? null : new User(e.tenant(), e.user(), e.passwordHash(), e.roles()))
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the users file " + file + ": " + e.getMessage(), e);
        }
        of(entries);
        return entries;
    }

    /** A directory of these entries only (no store): for tests and tools. */
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
        Map<String, User> fixed = Map.copyOf(byLogin);
        return new UserDirectory(() -> fixed, () -> "0");
    }

    /** The principal for these credentials, or empty when they are wrong. */
    public Optional<Principal> verify(String tenant, String user, String password) {
        User entry = live(tenant, user);
        byte[] hash = entry == null ? DECOY_HASH : entry.passwordHash().getBytes(StandardCharsets.UTF_8);
        boolean ok = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash).verified;
        if (entry == null || !ok) {
            return Optional.empty();
        }
        return Optional.of(new Principal(entry.tenant(), entry.user(), entry.roles()));
    }

    /** A principal by name without a password: for a session or token that was already verified. */
    public Optional<Principal> find(String tenant, String user) {
        User entry = live(tenant, user);
        return entry == null ? Optional.empty()
                : Optional.of(new Principal(entry.tenant(), entry.user(), entry.roles()));
    }

    private User live(String tenant, String user) {
        User entry = users.get().get(tenant + "/" + user);
        return entry == null || entry.disabled() ? null : entry;
    }
}
