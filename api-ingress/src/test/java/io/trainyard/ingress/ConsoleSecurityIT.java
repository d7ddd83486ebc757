package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The console's sign-in, cookies, CSRF tokens, security headers and roles, over plain HTTP. */
@ExtendWith({RealKafka.class, RealRedis.class})
class ConsoleSecurityIT {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    static TestIngress ingress;

    @BeforeAll
    static void start() {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    /** Signs in through the form; returns "Cookie:_session_id=..." for {@link TestIngress#send}. */
    static String signIn(TestIngress ingress, String login) {
        return signIn(ingress, login, TestIngress.PASSWORD);
    }

    static String signIn(TestIngress ingress, String login, String password) {
        HttpResponse<String> form = ingress.get("/ui/login", null);
        String loginCookie = cookie(form, "ty_login");
        HttpResponse<String> signedIn = ingress.send("POST", "/ui/login", "Cookie:" + loginCookie,
                "application/x-www-form-urlencoded", ("_csrf=" + csrf(form.body()) + "&login="
                        + URLEncoder.encode(login, StandardCharsets.UTF_8) + "&password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        return "Cookie:" + cookie(signedIn, "_session_id");
    }

    static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a _csrf field in " + html).isTrue();
        return m.group(1);
    }

    private static String cookie(HttpResponse<String> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .filter(c -> !c.startsWith(name + "=;")).findFirst().map(c -> c.substring(0, c.indexOf(';')))
                .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.headers()));
    }

    private HttpResponse<String> post(String path, String session, String form) {
        return ingress.send("POST", path, session, "application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pagesNeedASessionAndCarryTheSecurityHeaders() {
        HttpResponse<String> anonymous = ingress.get("/ui/tasks", null);
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).hasValue("/ui/login");

        HttpResponse<String> login = ingress.get("/ui/login", null);
        assertThat(login.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(login.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        String session = signIn(ingress, ingress.tenant + "/admin");
        HttpResponse<String> form = ingress.get("/ui/login", null);
        HttpResponse<String> signedIn = ingress.send("POST", "/ui/login", "Cookie:" + cookie(form, "ty_login"),
                "application/x-www-form-urlencoded", ("_csrf=" + csrf(form.body()) + "&login=" + ingress.tenant
                        + "%2Fadmin&password=" + TestIngress.PASSWORD).getBytes(StandardCharsets.UTF_8));
        List<String> setCookies = signedIn.headers().allValues("Set-Cookie");
        assertThat(setCookies).filteredOn(c -> c.startsWith("_session_id="))
                .singleElement().satisfies(c -> assertThat(c).contains("HttpOnly").contains("SameSite=Strict")
                        .doesNotContain("Secure"));
        HttpResponse<String> overview = ingress.get("/ui/overview", session);
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.headers().firstValue("Content-Security-Policy")).isPresent();
    }

    @Test
    void behindATlsProxyTheSessionCookieIsSecure() throws Exception {
        HttpResponse<String> form = ingress.get("/ui/login", null);
        var request = java.net.http.HttpRequest.newBuilder(ingress.uri("/ui/login"))
                .header("Cookie", cookie(form, "ty_login")).header("X-Forwarded-Proto", "https")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("_csrf=" + csrf(form.body()) + "&login="
                        + ingress.tenant + "%2Fadmin&password=" + TestIngress.PASSWORD)).build();
        HttpResponse<String> signedIn = java.net.http.HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.headers().allValues("Set-Cookie")).filteredOn(c -> c.startsWith("_session_id="))
                .singleElement().satisfies(c -> assertThat(c).contains("Secure").contains("HttpOnly"));
    }

    @Test
    void aSignInWithoutTheFormsTokenOrWithAWrongPasswordIsRefused() {
        HttpResponse<String> noToken = post("/ui/login", null, "login=" + ingress.tenant + "%2Fadmin&password="
                + TestIngress.PASSWORD);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("_session_id=")
                && !c.startsWith("_session_id=;"));

        HttpResponse<String> form = ingress.get("/ui/login", null);
        HttpResponse<String> wrong = ingress.send("POST", "/ui/login", "Cookie:" + cookie(form, "ty_login"),
                "application/x-www-form-urlencoded", ("_csrf=" + csrf(form.body()) + "&login=" + ingress.tenant
                        + "%2Fadmin&password=nope").getBytes(StandardCharsets.UTF_8));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Wrong tenant/user or password");
    }

    @Test
    void aPostWithoutTheSessionsCsrfTokenChangesNothing() {
        String session = signIn(ingress, ingress.tenant + "/admin");
        HttpResponse<String> forged = post("/ui/projects", session, "name=forged-project");
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> otherToken = post("/ui/projects", session, "_csrf=not-the-token&name=forged-project");
        assertThat(otherToken.statusCode()).isEqualTo(403);
        assertThat(ingress.get("/service/mlw/projects", ingress.admin()).body()).doesNotContain("forged-project");

        String token = csrf(ingress.get("/ui/projects", session).body());
        HttpResponse<String> made = post("/ui/projects", session, "_csrf=" + token + "&name=real-project");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(303);
        assertThat(ingress.get("/service/mlw/projects", ingress.admin()).body()).contains("real-project");
    }

    @Test
    void rolesAreTheApisAReaderMayLookButNotCreate() {
        String session = signIn(ingress, ingress.tenant + "/reader");
        String page = ingress.get("/ui/tasks", session).body();
        assertThat(page).doesNotContain("submit-form");
        HttpResponse<String> create = ingress.send("POST", "/ui/projects", session,
                "application/x-www-form-urlencoded", ("_csrf=" + csrf(page) + "&name=by-reader")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(create.body()).contains("CREATE role is required");
        HttpResponse<String> cancel = ingress.send("POST", "/ui/tasks/x/runs/y/cancel", session,
                "application/x-www-form-urlencoded", ("_csrf=" + csrf(page)).getBytes(StandardCharsets.UTF_8));
        assertThat(cancel.statusCode()).isEqualTo(403);
    }

    @Test
    void theSchedulePreviewShowsTheNextFiveFireTimesInTheZone() {
        String session = signIn(ingress, ingress.tenant + "/admin");
        String token = csrf(ingress.get("/ui/tasks", session).body());
        HttpResponse<String> preview = post("/ui/schedule-preview", session, "_csrf=" + token
                + "&cron=0+0+9+*+*+%3F&zone=Europe%2FBerlin");
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(Pattern.compile("<li>[^<]*09:00 CE[S]?T</li>").matcher(preview.body()).results().count())
                .isEqualTo(5);
        HttpResponse<String> bad = post("/ui/schedule-preview", session, "_csrf=" + token + "&cron=nonsense&zone=UTC");
        assertThat(bad.body()).contains("class=\"error\"");
    }

    @Test
    void theDeadLetterApiIsForAdminsAndRefusesMalformedIds() {
        assertThat(ingress.get("/service/mlw/dead-letters", ingress.reader()).statusCode()).isEqualTo(403);
        HttpResponse<String> list = ingress.get("/service/mlw/dead-letters", ingress.admin());
        assertThat(list.statusCode()).isEqualTo(200);
        // Only this tenant's letters, whatever other tests of the class dead-lettered.
        assertThat(list.body()).startsWith("[").doesNotContain("\"tenant\":\"" + ingress.otherTenant + "\"");
        HttpResponse<String> noIds = ingress.json("POST", "/service/mlw/dead-letters/redrive", ingress.admin(), "{}");
        assertThat(noIds.statusCode()).isEqualTo(400);
        assertThat(noIds.body()).contains("ids");
        HttpResponse<String> badId = ingress.json("POST", "/service/mlw/dead-letters/discard", ingress.admin(),
                "{\"ids\":[\"../x\"]}");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.body()).contains("partition-offset");
        HttpResponse<String> unknown = ingress.json("POST", "/service/mlw/dead-letters/discard", ingress.admin(),
                "{\"ids\":[\"0-999999\"]}");
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.body()).isEqualTo("{\"discarded\":[]}");
    }

    @Test
    void theOverviewCountsOnlyTheTenantsOwnWaitingDeadLetters() throws Exception {
        String session = signIn(ingress, ingress.tenant + "/admin");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealKafka.broker().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String tenant : List.of(ingress.otherTenant, ingress.tenant, ingress.otherTenant)) {
                String runId = "run-" + UUID.randomUUID();
                producer.send(new ProducerRecord<>(Topics.DLQ, runId, ("{\"tenant\":\"" + tenant + "\",\"runId\":\""
                        + runId + "\"}").getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
        // A count is shown for OverviewStats.DEAD_LETTERS_FRESH (15 s) before the topic is read again.
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ingress.get("/ui/overview", session).body())
                        .contains("<dd id=\"dead-letters\">1</dd>"));
    }
}
