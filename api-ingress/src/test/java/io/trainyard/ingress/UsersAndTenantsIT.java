package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tenants and users through the API (/service/mlw/tenants), stored in Redis: a change made at one
 * ingress holds at another at once; a disabled user is refused; only the operator tenant's ADMIN
 * creates tenants or reaches another tenant's users.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class UsersAndTenantsIT {
    static TestIngress ingress;
    static TestIngress second;

    @BeforeAll
    static void start() {
        String redis = "redis://127.0.0.1:" + RealRedis.server().port();
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(), redis, Map.of());
        second = TestIngress.start(RealKafka.broker().bootstrapServers(), redis, Map.of());
    }

    @AfterAll
    static void stop() {
        second.close();
        ingress.close();
    }

    @Test
    void anOperatorCreatesATenantAndAUserWhoSignsInAtAnotherIngressAndIsRefusedOnceDisabled() {
        String tenant = "n" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(ingress.json("POST", "/service/mlw/tenants", ingress.admin(), "{\"name\":\"" + tenant + "\"}")
                .statusCode()).isEqualTo(201);
        assertThat(ingress.json("POST", "/service/mlw/tenants", ingress.admin(), "{\"name\":\"" + tenant + "\"}")
                .statusCode()).isEqualTo(409);
        HttpResponse<String> added = ingress.json("POST", "/service/mlw/tenants/" + tenant + "/users", ingress.admin(),
                "{\"user\":\"bob\",\"password\":\"bobs-password\",\"roles\":[\"READ\",\"CREATE\"]}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(added.body()).doesNotContain("passwordHash").doesNotContain("bobs-password");
        String bob = tenant + "/bob:bobs-password";

        // The other ingress reads the same store.
        await().atMost(Duration.ofSeconds(2)).until(() -> second.get("/service/mlw/projects", bob).statusCode() == 200);
        HttpResponse<String> users = ingress.get("/service/mlw/tenants/" + tenant + "/users", ingress.admin());
        assertThat(users.body()).contains("\"user\":\"bob\"").contains("CREATE").doesNotContain("$2");

        assertThat(ingress.json("POST", "/service/mlw/tenants/" + tenant + "/users/bob/password", ingress.admin(),
                "{\"password\":\"a-new-password\"}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(2)).until(() -> second.get("/service/mlw/projects", bob).statusCode() == 401);
        String newBob = tenant + "/bob:a-new-password";
        assertThat(second.get("/service/mlw/projects", newBob).statusCode()).isEqualTo(200);

        String session = ConsoleSecurityIT.signIn(second, tenant + "/bob", "a-new-password");
        assertThat(second.get("/ui/overview", session).statusCode()).isEqualTo(200);
        assertThat(ingress.json("POST", "/service/mlw/tenants/" + tenant + "/users/bob/disable", ingress.admin(), null)
                .statusCode()).isEqualTo(200);
        // Its session ends with it, at the other ingress too.
        await().atMost(Duration.ofSeconds(2)).until(() -> second.get("/ui/overview", session).statusCode() == 303);
        await().atMost(Duration.ofSeconds(2)).until(() -> second.get("/service/mlw/projects", newBob).statusCode() == 401);
        assertThat(ingress.get("/service/mlw/projects", newBob).statusCode()).isEqualTo(401);
        assertThat(ingress.get("/service/mlw/tenants/" + tenant + "/users", ingress.admin()).body())
                .contains("\"disabled\":true");

        assertThat(ingress.json("POST", "/service/mlw/tenants/" + tenant + "/users/bob/enable", ingress.admin(), null)
                .statusCode()).isEqualTo(200);
        assertThat(ingress.get("/service/mlw/projects", newBob).statusCode()).isEqualTo(200);
    }

    @Test
    void aTenantsAdminManagesOnlyItsOwnTenant() {
        // otherTenant is not the operator tenant of this ingress.
        assertThat(ingress.json("POST", "/service/mlw/tenants", ingress.otherAdmin(), "{\"name\":\"x" + UUID.randomUUID()
                .toString().substring(0, 6) + "\"}").statusCode()).isEqualTo(403);
        assertThat(ingress.get("/service/mlw/tenants/" + ingress.tenant + "/users", ingress.otherAdmin()).statusCode())
                .isEqualTo(404);
        assertThat(ingress.get("/service/mlw/tenants", ingress.otherAdmin()).body())
                .contains(ingress.otherTenant).doesNotContain(ingress.tenant);
        HttpResponse<String> added = ingress.json("POST", "/service/mlw/tenants/" + ingress.otherTenant + "/users",
                ingress.otherAdmin(), "{\"user\":\"carol\",\"password\":\"carols-password\",\"roles\":[\"READ\"]}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        // READ only: the role is enforced as for a users-file user.
        String carol = ingress.otherTenant + "/carol:carols-password";
        assertThat(ingress.get("/service/mlw/projects", carol).statusCode()).isEqualTo(200);
        assertThat(ingress.json("POST", "/service/mlw/projects", carol, "{\"name\":\"p\"}").statusCode()).isEqualTo(403);
        // A reader cannot manage users at all.
        assertThat(ingress.get("/service/mlw/tenants", ingress.reader()).statusCode()).isEqualTo(403);
    }

    @Test
    void badInputIsRefusedWithTheFieldNamed() {
        String base = "/service/mlw/tenants/" + ingress.tenant + "/users";
        HttpResponse<String> shortPassword = ingress.json("POST", base, ingress.admin(),
                "{\"user\":\"dave\",\"password\":\"short\",\"roles\":[\"READ\"]}");
        assertThat(shortPassword.statusCode()).isEqualTo(400);
        assertThat(shortPassword.body()).contains("password");
        HttpResponse<String> badRole = ingress.json("POST", base, ingress.admin(),
                "{\"user\":\"dave\",\"password\":\"long-enough\",\"roles\":[\"ROOT\"]}");
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(badRole.body()).contains("roles");
        assertThat(ingress.json("POST", base, ingress.admin(),
                "{\"user\":\"a/b\",\"password\":\"long-enough\",\"roles\":[\"READ\"]}").statusCode()).isEqualTo(400);
        assertThat(ingress.json("POST", base, ingress.admin(), "not json").statusCode()).isEqualTo(400);
        assertThat(ingress.json("POST", base + "/nobody/disable", ingress.admin(), null).statusCode()).isEqualTo(404);
        assertThat(ingress.json("POST", base + "/admin/disable", ingress.admin(), null).statusCode()).isEqualTo(409);
    }
}
