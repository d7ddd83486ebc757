package io.trainyard.ingress.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.trainyard.common.ops.EventLine;
import io.trainyard.common.testing.RealRedis;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/** The user store in a real Redis: the users file as seed, changes in the event log, hashes only. */
@ExtendWith(RealRedis.class)
class UserStoreIT {
    private static String hash(String password) {
        return BCrypt.withDefaults().hashToString(4, password.toCharArray());
    }

    @Test
    void theFileSeedsNewAndChangedEntriesOnlyAndEveryChangeIsLogged() {
        String tenant = "s" + UUID.randomUUID().toString().substring(0, 8);
        List<EventLine> events = new ArrayList<>();
        try (JedisPooled redis = RealRedis.client()) {
            List<UserDirectory.User> file = List.of(new UserDirectory.User(tenant, "ann", hash("first-password"),
                    Set.of(Role.ADMIN)));
            UserStore store = new UserStore(redis, InstantSource.system(), events::add).seed(file);
            UserDirectory users = UserDirectory.stored(store);
            assertThat(users.verify(tenant, "ann", "first-password")).isPresent();

            assertThat(store.addUser(tenant, "ben", "bens-password", Set.of(Role.READ), tenant + "/ann")).isTrue();
            assertThat(store.addUser(tenant, "ben", "other-password", Set.of(Role.READ), tenant + "/ann")).isFalse();
            assertThat(redis.hget(UserStore.key(tenant), "ben")).doesNotContain("bens-password").contains("$2");
            assertThat(store.resetPassword(tenant, "ann", "second-password", tenant + "/ann")).isTrue();
            assertThat(store.setDisabled(tenant, "ben", true, tenant + "/ann")).isTrue();
            assertThat(users.find(tenant, "ben")).isEmpty();
            assertThat(events).extracting(EventLine::toString).satisfiesExactly(
                    e -> assertThat(e).contains("event=user-added").contains("user=ben").contains("by=" + tenant + "/ann"),
                    e -> assertThat(e).contains("event=user-password-reset").contains("user=ann"),
                    e -> assertThat(e).contains("event=user-disabled").contains("user=ben"));

            // A restart with the same file keeps what the API changed.
            UserDirectory restarted = UserDirectory.stored(new UserStore(redis, InstantSource.system(), e -> { })
                    .seed(file));
            assertThat(restarted.verify(tenant, "ann", "second-password")).isPresent();
            assertThat(restarted.verify(tenant, "ann", "first-password")).isEmpty();
            // A changed entry in the file wins over the stored one.
            List<UserDirectory.User> edited = List.of(new UserDirectory.User(tenant, "ann", hash("third-password"),
                    Set.of(Role.ADMIN)));
            UserDirectory reseeded = UserDirectory.stored(new UserStore(redis, InstantSource.system(), e -> { })
                    .seed(edited));
            assertThat(reseeded.verify(tenant, "ann", "third-password")).isPresent();
            assertThat(reseeded.find(tenant, "ben")).as("still disabled").isEmpty();
        }
    }
}
