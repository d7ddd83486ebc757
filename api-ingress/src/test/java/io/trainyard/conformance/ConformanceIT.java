package io.trainyard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Existing clients must not tell Trainyard from the originals: every example of the seed pages
 * (golden files under {@code conformance/<seed>/}, errors included) is replayed against a real
 * ingress and its answer compared with the seed's by shape ({@link ShapeComparison}): status,
 * content type, the headers the seed shows, every field with its JSON type and nesting, the
 * contract values, and per-run values by pattern. The examples of one seed replay in order (a
 * duplicate name needs the first submit). Fields Trainyard adds are allowed and listed once in
 * the report printed at the end; examples in {@link KnownDifferences} are reported, not failed.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class ConformanceIT {
    static ConformanceFixture fixture;
    static final ConformanceReport REPORT = new ConformanceReport();

    @BeforeAll
    static void start() throws Exception {
        fixture = ConformanceFixture.start();
    }

    @AfterAll
    static void stop() {
        REPORT.print(System.out);
        if (fixture != null) {
            fixture.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> everySeedExampleMatchesItsSeed() {
        return Golden.all().entrySet().stream().map(seed -> DynamicContainer.dynamicContainer("seed " + seed.getKey(),
                seed.getValue().stream().map(golden -> DynamicTest.dynamicTest(golden.id() + ": " + golden.example(),
                        () -> replay(golden)))));
    }

    private static void replay(Golden golden) throws IOException {
        HttpResponse<String> response = fixture.replay(golden.request());
        List<String> differences = new ArrayList<>();
        if (response.statusCode() != golden.response().status()) {
            differences.add("status: the seed's " + golden.response().status() + ", Trainyard's "
                    + response.statusCode());
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("(none)");
        if (!normalized(contentType).equals(normalized(golden.response().contentType()))) {
            differences.add("content type: the seed's " + golden.response().contentType() + ", Trainyard's "
                    + contentType);
        }
        golden.response().headers().forEach((name, pattern) -> {
            String value = response.headers().firstValue(name).orElse(null);
            if (value == null || !value.matches(pattern)) {
                differences.add("header " + name + ": " + (value == null ? "missing" : value)
                        + " does not match " + pattern);
            }
        });
        JsonNode body = null;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            differences.add("body is not JSON: " + response.body());
        }
        ShapeComparison.Result shape = body == null
                ? new ShapeComparison.Result(List.of(), java.util.Set.of())
                : ShapeComparison.compare(golden.response().body(), body, new HashSet<>(golden.exact()),
                        golden.patterns(), new HashSet<>(golden.nullable()));
        differences.addAll(shape.differences());
        ShapeComparison.Result result = new ShapeComparison.Result(List.copyOf(differences), shape.extras());

        String known = KnownDifferences.reason(golden.id()).orElse(null);
        REPORT.record(golden, result, known);
        if (body != null) {
            for (Map.Entry<String, String> capture : golden.capture().entrySet()) {
                JsonNode value = body.at(capture.getValue());
                if (!value.isMissingNode()) {
                    fixture.remember(capture.getKey(), value.asText());
                }
            }
        }
        if (known == null) {
            assertThat(differences).as("%s (%s) differs from its seed; the answer was %d %s", golden.id(),
                    golden.seed(), response.statusCode(), response.body()).isEmpty();
        }
    }

    private static String normalized(String contentType) {
        return contentType.replace(" ", "").toLowerCase(Locale.ROOT);
    }
}
