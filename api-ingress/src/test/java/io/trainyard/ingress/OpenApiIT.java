package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The OpenAPI document and the routes really served describe the same API. */
@ExtendWith({RealKafka.class, RealRedis.class})
class OpenApiIT {
    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteIsServed() throws Exception {
        try (TestIngress ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of())) {
            HttpResponse<String> served = ingress.get("/openapi.json", null);
            assertThat(served.statusCode()).isEqualTo(200);
            JsonNode doc = Json.MAPPER.readTree(served.body());
            assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");

            TreeSet<String> documented = new TreeSet<>();
            doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
                documented.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                assertThat(operation.getValue().get("responses")).as(path.getKey()).isNotEmpty();
                assertPathParametersDeclared(path.getKey(), operation.getValue());
            }));

            assertThat(documented).containsExactlyElementsOf(ingress.ingress.routes());
        }
    }

    private static void assertPathParametersDeclared(String path, JsonNode operation) {
        Matcher names = Pattern.compile("\\{([^}]+)}").matcher(path);
        while (names.find()) {
            String name = names.group(1);
            boolean declared = false;
            for (JsonNode parameter : operation.path("parameters")) {
                declared |= parameter.get("in").asText().equals("path") && parameter.get("name").asText().equals(name);
            }
            assertThat(declared).as(path + " declares {" + name + "}").isTrue();
        }
    }
}
