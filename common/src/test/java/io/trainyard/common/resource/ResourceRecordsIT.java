package io.trainyard.common.resource;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.Ids;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealRedis;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

@ExtendWith(RealRedis.class)
class ResourceRecordsIT {
    @TempDir
    static Path dataDir;
    private static JedisPooled redis;
    private static ResourceRecords records;

    @BeforeAll
    static void connect() {
        redis = RealRedis.client();
        records = new ResourceRecords(redis, new ResourceFiles(dataDir));
    }

    private static String project(String tenant) {
        String id = Ids.next();
        redis.hset(new ResourceKeys(tenant).project(id), Map.of("id", id, "name", "p-" + id));
        return id;
    }

    private static Map<String, String> create(String tenant, String project, String name, String content) {
        return records.create(tenant, project, Ids.next(), name, ResourceKind.ofFileName(name).orElseThrow(),
                "text/plain", new ByteArrayInputStream(content.getBytes(UTF_8)), 1_000, Map.of()).orElseThrow();
    }

    @Test
    void aResourceIsStoredListedAndDeletedWithItsContent() throws Exception {
        String project = project("acme");
        Map<String, String> created = records.create("acme", project, Ids.next(), "m-v1.joblib", ResourceKind.MODEL,
                "application/octet-stream", new ByteArrayInputStream(new byte[] {1, 2, 3}), 2_000,
                Map.of(ResourceRecords.VERSION, "v1")).orElseThrow();

        String id = created.get(ResourceRecords.ID);
        assertThat(created).containsEntry(ResourceRecords.KIND, "MODEL").containsEntry(ResourceRecords.SIZE, "3")
                .containsEntry(ResourceRecords.SORT_TIME, "2").containsEntry(ResourceRecords.VERSION, "v1");
        assertThat(records.get("acme", project, id)).contains(created);
        assertThat(records.get("acme", "another-project", id)).isEmpty();
        assertThat(records.list("acme", project)).containsExactly(created);
        assertThat(Files.readAllBytes(records.content("acme", project, id))).containsExactly(1, 2, 3);

        records.delete("acme", project, id);
        assertThat(records.find("acme", id)).isEmpty();
        assertThat(records.content("acme", project, id)).doesNotExist();
    }

    @Test
    void nothingIsStoredInAProjectThatDoesNotExist() {
        String id = Ids.next();
        assertThat(records.create("acme", "gone", id, "m.joblib", ResourceKind.MODEL, "application/octet-stream",
                new ByteArrayInputStream(new byte[] {1}), 1_000, Map.of())).isEmpty();
        assertThat(records.find("acme", id)).isEmpty();
        assertThat(records.content("acme", "gone", id)).doesNotExist();
    }

    @Test
    void modelVersionsCountPerWorkflowAndARunKeepsItsNumber() {
        String project = project("acme");
        String workflow = create("acme", project, "flow.wf", "{}").get(ResourceRecords.ID);
        String other = create("acme", project, "other.wf", "{}").get(ResourceRecords.ID);
        String first = run("acme");
        String second = run("acme");

        assertThat(records.modelVersion("acme", workflow, first)).isEqualTo(1);
        assertThat(records.modelVersion("acme", workflow, first)).as("a retried attempt").isEqualTo(1);
        assertThat(records.modelVersion("acme", workflow, second)).isEqualTo(2);
        assertThat(records.modelVersion("acme", other, run("acme"))).isEqualTo(1);
        assertThat(records.modelVersion("acme", "no-such-workflow", run("acme"))).isZero();
        assertThat(records.modelVersion("acme", workflow, "no-such-run")).isZero();
        assertThat(redis.exists(new ResourceKeys("acme").resource("no-such-workflow"))).isFalse();
        assertThat(redis.exists(new TenantKeys("acme").run("no-such-run"))).isFalse();
    }

    private static String run(String tenant) {
        String id = Ids.next();
        redis.hset(new TenantKeys(tenant).run(id), Map.of("id", id, "status", "RUNNING"));
        return id;
    }
}
