package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Strapi v3's query parameters on {@code GET /trainings}, operator by operator, against three
 * stored trainings of a tenant of their own; and every parameter that cannot be applied is a
 * 400 naming it, never an empty list.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class StrapiFiltersIT {
    static TestIngress ingress;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        Path keys = Files.createTempFile("trainyard-keys-", ".json");
        Files.writeString(keys, new JWKSet(new OctetSequenceKeyGenerator(256).keyID("k1").generate()).toString(false));
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of(IngressSettings.TOKEN_KEYS_FILE.env(), keys.toString()));
        HttpResponse<String> login = ingress.json("POST", "/auth/local", null,
                "{\"identifier\":\"" + ingress.tenant + "/admin\",\"password\":\"" + TestIngress.PASSWORD + "\"}");
        token = "Bearer " + Json.MAPPER.readTree(login.body()).get("jwt").asText();
        // uuid and meta name no workflow: each is kept as sent (RECORDED), in this order.
        store("{\"uuid\":\"alpha\",\"accuracy\":0.1,\"mae\":1,\"version\":\"v1\",\"meta\":\"First Run\","
                + "\"binaryPath\":\"models/a.bin\"}");
        store("{\"uuid\":\"beta\",\"accuracy\":0.5,\"mae\":2,\"version\":\"v1\",\"meta\":\"second run\","
                + "\"binaryPath\":\"models/b.bin\"}");
        store("{\"uuid\":\"gamma\",\"accuracy\":0.9,\"mae\":3,\"version\":\"v0\",\"meta\":\"third\"}");
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    private static void store(String json) {
        HttpResponse<String> response = ingress.json("POST", "/trainings", token, json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** The uuids {@code GET /trainings?query} answers, in its order (by uuid unless the query sorts). */
    static List<String> uuids(String query) throws Exception {
        String sorted = query.contains("_sort=") ? query : query + "&_sort=uuid:ASC";
        HttpResponse<String> response = ingress.get("/trainings?" + encoded(sorted), token);
        assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
        JsonNode list = Json.MAPPER.readTree(response.body());
        assertThat(list.isArray()).as(response.body()).isTrue();
        List<String> uuids = new ArrayList<>();
        list.forEach(t -> uuids.add(t.get("uuid").asText()));
        return uuids;
    }

    /** Brackets are not legal in a URI's query as java.net.URI reads it; clients send them encoded. */
    static String encoded(String query) {
        return query.replace("[", "%5B").replace("]", "%5D").replace(" ", "%20");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            uuid=alpha                                      | alpha
            uuid_eq=beta                                    | beta
            accuracy_eq=0.50                                | beta
            uuid=alpha&uuid=gamma                           | alpha,gamma
            uuid_ne=alpha                                   | beta,gamma
            accuracy_lt=0.5                                 | alpha
            accuracy_lte=0.5                                | alpha,beta
            accuracy_gt=0.5                                 | gamma
            accuracy_gte=0.5                                | beta,gamma
            mae_in=1&mae_in=3                               | alpha,gamma
            uuid_in[]=beta                                  | beta
            uuid_nin=alpha&uuid_nin=beta                    | gamma
            meta_contains=RUN                               | alpha,beta
            meta_ncontains=run                              | gamma
            meta_containss=Run                              | alpha
            meta_ncontainss=Run                             | beta,gamma
            binaryPath_null=true                            | gamma
            binaryPath_null=false                           | alpha,beta
            _q=SECOND                                       | beta
            _q=0.9                                          | gamma
            published_at_gte=2000-01-01                     | alpha,beta,gamma
            published_at_lt=2000-01-01T00:00:00Z            | ''
            _where[accuracy_gte]=0.5&_where[meta_contains]=r | beta,gamma
            _where[0][accuracy_gt]=0.2&_where[1][accuracy_lt]=0.8 | beta
            _where[_or][0][uuid]=alpha&_where[_or][1][mae_gte]=3 | alpha,gamma
            _where[_or][0][0][uuid]=alpha&_where[_or][0][1][mae]=1&_where[_or][1][uuid]=beta | alpha,beta
            _sort=mae:DESC                                  | gamma,beta,alpha
            _sort=version:ASC,uuid:DESC                     | gamma,beta,alpha
            _sort=uuid&_start=1&_limit=1                    | beta
            _limit=-1&_publicationState=live                | alpha,beta,gamma
            """)
    void eachOperatorFiltersTheStoredTrainings(String query, String expected) throws Exception {
        assertThat(uuids(query)).containsExactlyElementsOf(expected.isEmpty() ? List.of() : List.of(expected.split(",")));
    }

    @Test
    void countIsABareNumberUnderTheSameFilters() throws Exception {
        HttpResponse<String> count = ingress.get("/trainings/count?accuracy_gt=0.2", token);
        assertThat(count.statusCode()).as(count.body()).isEqualTo(200);
        assertThat(count.body()).isEqualTo("2");
        assertThat(ingress.get("/trainings/count", token).body()).isEqualTo("3");
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource(delimiter = '|', textBlock = """
            accuracy_gt=abc                                 | accuracy_gt
            accuracy=high                                   | accuracy
            published_at_gt=yesterday                       | published_at_gt
            nosuchfield=1                                   | nosuchfield
            accuracy_foo=1                                  | accuracy_foo
            binaryPath_null=maybe                           | binaryPath_null
            accuracy_lt=1&accuracy_lt=2                     | accuracy_lt
            _sort=uuid:UP                                   | _sort
            _sort=nosuchfield:ASC                           | _sort
            _limit=x                                        | _limit
            _start=-1                                       | _start
            _publicationState=draft                         | _publicationState
            _where=accuracy                                 | _where
            _where[_or][uuid]=alpha                         | _where[_or][uuid]
            _where[0][nosuchfield_eq]=1                     | _where[0][nosuchfield_eq]
            """)
    void aParameterThatCannotBeAppliedIs400NamingIt(String query, String param) throws Exception {
        for (String path : new String[] {"/trainings?", "/trainings/count?"}) {
            HttpResponse<String> response = ingress.get(path + encoded(query), token);
            assertThat(response.statusCode()).as(path + query + ": " + response.body()).isEqualTo(400);
            JsonNode body = Json.MAPPER.readTree(response.body());
            assertThat(body.get("code").asInt()).isEqualTo(400);
            assertThat(body.get("message").asText()).isEqualTo("Error - Bad request");
            assertThat(body.at("/data/field").asText()).isEqualTo(param);
            assertThat(body.at("/data/detail").asText()).contains(param);
        }
    }
}
