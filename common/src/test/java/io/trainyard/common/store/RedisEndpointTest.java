package io.trainyard.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.store.RedisEndpoint.Topology;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

class RedisEndpointTest {
    @Test
    void oneServerWithUserPasswordAndDatabase() {
        RedisEndpoint e = RedisEndpoint.parse("rediss://app:p%40ss@redis.example:6380/2");

        assertThat(e.topology()).isEqualTo(Topology.SINGLE);
        assertThat(e.nodes()).containsExactly(new HostAndPort("redis.example", 6380));
        assertThat(e.user()).isEqualTo("app");
        assertThat(e.password()).isEqualTo("p@ss");
        assertThat(e.database()).isEqualTo(2);
        assertThat(e.tls()).isTrue();
        assertThat(e.toString()).isEqualTo("rediss://app@redis.example:6380").doesNotContain("p@ss");
    }

    @Test
    void aPasswordAloneIsTheDefaultUsers() {
        RedisEndpoint e = RedisEndpoint.parse("redis://:secret@127.0.0.1:6379");

        assertThat(e.user()).isNull();
        assertThat(e.password()).isEqualTo("secret");
    }

    @Test
    void clusterSeeds() {
        RedisEndpoint e = RedisEndpoint.parse("redis-cluster://a:7000, b:7001,c");

        assertThat(e.topology()).isEqualTo(Topology.CLUSTER);
        assertThat(e.tls()).isFalse();
        assertThat(e.nodes()).containsExactly(new HostAndPort("a", 7000), new HostAndPort("b", 7001),
                new HostAndPort("c", 6379));
    }

    @Test
    void sentinelsAndTheirMaster() {
        RedisEndpoint e = RedisEndpoint.parse("rediss-sentinel://u:p@s1:26379,s2/mymaster");

        assertThat(e.topology()).isEqualTo(Topology.SENTINEL);
        assertThat(e.tls()).isTrue();
        assertThat(e.master()).isEqualTo("mymaster");
        assertThat(e.nodes()).containsExactly(new HostAndPort("s1", 26379), new HostAndPort("s2", 26379));
    }

    @Test
    void mistakesAreNamedWithoutThePassword() {
        assertThatThrownBy(() -> RedisEndpoint.parse("mongodb://u:hunter2@h:1"))
                .hasMessageContaining("unknown Redis scheme mongodb");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:hunter2@h:1,g:2"))
                .hasMessageContaining("several hosts need redis-cluster:// or redis-sentinel://");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis-sentinel://s1:26379"))
                .hasMessageContaining("needs the master's name");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis-cluster://a:1/3"))
                .hasMessageContaining("database 0 only");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:hunter2@h:port"))
                .hasMessageContaining("bad port in redis://u:***@h:port").hasMessageNotContaining("hunter2");
    }
}
