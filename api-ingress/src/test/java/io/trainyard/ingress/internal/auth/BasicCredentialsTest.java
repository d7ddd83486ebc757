package io.trainyard.ingress.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicCredentialsTest {
    static String basic(String text) {
        return "Basic " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void splitsTenantUserAndPassword() {
        assertThat(BasicCredentials.parse(basic("acme/alice:pa:ss")))
                .contains(new BasicCredentials("acme", "alice", "pa:ss"));
    }

    @Test
    void refusesAnythingElse() {
        assertThat(BasicCredentials.parse(null)).isEmpty();
        assertThat(BasicCredentials.parse("Bearer abc")).isEmpty();
        assertThat(BasicCredentials.parse("Basic !!!")).isEmpty();
        assertThat(BasicCredentials.parse(basic("alice:pass"))).isEmpty();
        assertThat(BasicCredentials.parse(basic("/alice:pass"))).isEmpty();
        assertThat(BasicCredentials.parse(basic("acme/:pass"))).isEmpty();
        assertThat(BasicCredentials.parse(basic("acme/alice"))).isEmpty();
    }
}
