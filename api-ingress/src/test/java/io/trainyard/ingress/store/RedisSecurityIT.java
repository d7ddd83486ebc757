package io.trainyard.ingress.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.store.*;
import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.RedisCluster;
import io.trainyard.devtools.RedisNode;
import io.trainyard.devtools.RedisSecurity;
import io.trainyard.devtools.RedisSentinels;
import io.trainyard.ingress.TaskStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;

/**
 * TLS ({@code rediss}) and an ACL user in all three topologies, against real servers whose
 * certificates (a CA made here) and user are made at test time; the {@code default} user is off.
 */
class RedisSecurityIT {
    @TempDir
    static Path dir;
    static RedisSecurity security;

    @BeforeAll
    static void certificates() {
        security = RedisSecurity.create(dir.resolve("tls"));
    }

    static UnifiedJedis open(String uri) {
        return RedisPools.open(ConfigTable.load(CommonSettings.REDIS, Map.of(CommonSettings.REDIS_URI.env(), uri,
                CommonSettings.REDIS_TLS_CA_FILE.env(), security.caCertificate().toString())), 4);
    }

    static void submitsOverTls(String uri) {
        try (UnifiedJedis redis = open(uri)) {
            TaskStore store = new TaskStore(redis);
            assertThat(store.submit("secure", "job", 1, RedisTopologiesIT.task("s-1"),
                    RedisTopologiesIT.run("s-r", "s-1")).created()).isTrue();
        }
    }

    @Test
    void oneServer() {
        int port = FreePort.pick();
        try (RedisNode server = RedisNode.startServer(dir.resolve("single"), port, security)) {
            String uri = "rediss://" + security.credentials() + "127.0.0.1:" + port;
            submitsOverTls(uri);
            assertThatThrownBy(() -> open("rediss://" + security.user() + ":wrong@127.0.0.1:" + port))
                    .isInstanceOf(RedisStartupException.class)
                    .hasMessageContaining("TRAINYARD_REDIS_URI: Redis at rediss://trainyard@127.0.0.1:" + port
                            + " refused user 'trainyard'")
                    .hasMessageContaining("WRONGPASS")
                    .hasMessageNotContaining("wrong@");
            assertThatThrownBy(() -> open("rediss://127.0.0.1:" + port))
                    .isInstanceOf(RedisStartupException.class).hasMessageContaining("refused the default user");
            assertThatThrownBy(() -> RedisPools.open(ConfigTable.load(CommonSettings.REDIS,
                    Map.of(CommonSettings.REDIS_URI.env(), uri)), 4))
                    .as("a certificate the JVM does not trust").isInstanceOf(RedisStartupException.class);
        }
    }

    @Test
    void cluster() {
        try (RedisCluster cluster = RedisCluster.start(dir.resolve("cluster"), 3, security)) {
            submitsOverTls(cluster.uri());
            assertThatThrownBy(() -> open("rediss-cluster://" + security.user() + ":wrong@" + cluster.seeds()))
                    .isInstanceOf(RedisStartupException.class).hasMessageContaining("refused user 'trainyard'");
        }
    }

    @Test
    void sentinel() {
        try (RedisSentinels sentinels = RedisSentinels.start(dir.resolve("sentinel"), 2, security)) {
            submitsOverTls(sentinels.uri());
            assertThatThrownBy(() -> open("rediss-sentinel://" + security.user() + ":wrong@"
                    + sentinels.sentinelAddresses() + "/" + RedisSentinels.MASTER))
                    .isInstanceOf(RedisStartupException.class).hasMessageContaining("refused user 'trainyard'");
        }
    }
}
