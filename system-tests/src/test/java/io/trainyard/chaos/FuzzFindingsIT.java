package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.IngressSettings;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the HTTP fuzz ({@link HttpFuzzChaosIT}) found, each pinned down by one request. */
@ExtendWith({RealKafka.class, RealRedis.class})
class FuzzFindingsIT {
    static ChaosIngress ingress;
    static String project;

    @BeforeAll
    static void start() {
        ingress = ChaosIngress.start("findings", Map.of(IngressSettings.MAX_BODY_BYTES.env(), "4096",
                IngressSettings.MAX_UPLOAD_BYTES.env(), "8192"));
        project = ingress.project("findings");
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    private static String shape(String path, HttpResponse<String> response) {
        return ErrorShapes.problem(ErrorShapes.candidates(path), response.statusCode(), response.body());
    }

    @Test
    void aChunkSizeThatIsNotHexadecimalIs400NotAServerError() throws Exception {
        String path = "/service/mlw/projects";
        RawHttp.Reply reply = RawHttp.send(ingress.port(), ("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
                + ingress.basicAuth() + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot hex\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(ErrorShapes.problem(Set.of(ErrorShapes.Dialect.MLW), 400, reply.body())).isNull();
    }

    @Test
    void aSortWithoutAFieldIs400InMaiascoresShape() {
        String path = "/trainings?_sort=:";
        HttpResponse<String> response = ingress.get(path);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(shape(path, response)).isNull();
        assertThat(response.body()).contains("_sort");
    }

    @Test
    void jsonFollowedByMoreIsMalformedAndCreatesNothing() {
        HttpResponse<String> response = ingress.json("POST", "/service/mlw/projects", "{\"name\":\"first\"}{\"name\":\"x\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("Malformed request body");
        assertThat(ChaosIngress.ok(ingress.get("/service/mlw/projects")).findValuesAsText("name"))
                .doesNotContain("first");
    }

    @Test
    void theRequestAfterARefusedBodyOnTheSameConnectionIsAnswered() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // Past the JSON limit (4 KiB), and the second also past the server's payload limit (8 KiB).
        for (int size : new int[] {6_000, 20_000}) {
            byte[] big = ("{\"name\":\"" + "x".repeat(size) + "\"}").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 5; i++) {
                // Chunked, so the limit is only found while reading.
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(ingress.uri("/service/mlw/projects"))
                        .header("Authorization", ingress.basicAuth())
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(413);

                HttpResponse<String> next = http.send(HttpRequest.newBuilder(ingress.uri("/service/mlw/projects/" + project))
                        .header("Authorization", ingress.basicAuth()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(next.statusCode()).as("answer after a %d-byte body", size).isEqualTo(200);
            }
        }
    }

    @Test
    void inventedMethodsShareOneMetricLabel() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 20; i++) {
            http.send(HttpRequest.newBuilder(ingress.uri("/service/mlw/projects")).header("Authorization", ingress.basicAuth())
                    .method("XINVENTED" + i, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        }
        String metrics = ingress.get("/metrics").body();

        assertThat(metrics).doesNotContain("XINVENTED").contains("method=\"OTHER\"");
    }
}
