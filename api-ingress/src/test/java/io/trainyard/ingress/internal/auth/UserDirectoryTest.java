package io.trainyard.ingress.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.trainyard.ingress.HashPassword;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserDirectoryTest {
    static final String HASH = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());

    @Test
    void verifiesBcryptPasswords() {
        UserDirectory users = UserDirectory.of(List.of(new UserDirectory.User("acme", "alice", HASH, Set.of(Role.READ))));
        assertThat(users.verify("acme", "alice", "pw")).contains(new Principal("acme", "alice", Set.of(Role.READ)));
        assertThat(users.verify("acme", "alice", "wrong")).isEmpty();
        assertThat(users.verify("other", "alice", "pw")).isEmpty();
        assertThat(users.verify("acme", "bob", "pw")).isEmpty();
    }

    @Test
    void aBadEntryIsNamed() {
        assertThatThrownBy(() -> UserDirectory.of(List.of(new UserDirectory.User("a/b", "u", HASH, Set.of(Role.READ)))))
                .hasMessageContaining("entry 0").hasMessageContaining("tenant");
        assertThatThrownBy(() -> UserDirectory.of(List.of(new UserDirectory.User("a", "u", "plain", Set.of(Role.READ)))))
                .hasMessageContaining("bcrypt");
        assertThatThrownBy(() -> UserDirectory.of(List.of(new UserDirectory.User("a", "u", HASH, Set.of()))))
                .hasMessageContaining("roles");
    }

    @Test
    void adminHoldsEveryRole() {
        Principal admin = new Principal("a", "u", Set.of(Role.ADMIN));
        for (Role role : Role.values()) {
            assertThat(admin.has(role)).isTrue();
        }
        assertThat(new Principal("a", "u", Set.of(Role.READ)).has(Role.CREATE)).isFalse();
    }

    @Test
    void hashPasswordMakesVerifiableHashes() {
        String hash = HashPassword.hash("secret");
        UserDirectory users = UserDirectory.of(List.of(new UserDirectory.User("t", "u", hash, Set.of(Role.ADMIN))));
        assertThat(users.verify("t", "u", "secret")).isPresent();
    }
}
