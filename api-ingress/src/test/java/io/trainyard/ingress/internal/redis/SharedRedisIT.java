package io.trainyard.ingress.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.RedisServer;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

@ExtendWith(RealRedis.class)
class SharedRedisIT {
    private final String prefix = "shared-redis-it:" + UUID.randomUUID() + ":";

    @Test
    void everyCallerOfManyConcurrentOnesGetsItsOwnReply(RedisServer server) throws Exception {
        try (SharedRedis redis = SharedRedis.connect(URI.create(server.uri()), 2);
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String key = prefix + i;
                String value = "value-" + i;
                replies.add(callers.submit(() -> {
                    redis.hset(key, Map.of("v", value, "n", "1"));
                    redis.hincrBy(key, "n", 1);
                    Map<String, String> hash = redis.hgetAll(key);
                    return hash.get("v") + "/" + hash.get("n");
                }));
            }
            for (int i = 0; i < replies.size(); i++) {
                assertThat(replies.get(i).get()).isEqualTo("value-" + i + "/2");
            }
        }
    }

    @Test
    void aPipelineRunsInOrderAndAnErrorStaysWithItsOwnCommand(RedisServer server) {
        try (SharedRedis redis = SharedRedis.connect(URI.create(server.uri()), 2)) {
            Response<String> set;
            Response<Long> incremented;
            Response<Long> wrongType;
            Response<String> value;
            try (AbstractPipeline pipeline = redis.pipelined()) {
                set = pipeline.set(prefix + "counter", "1");
                incremented = pipeline.incr(prefix + "counter");
                wrongType = pipeline.hincrBy(prefix + "counter", "field", 1);
                value = pipeline.get(prefix + "counter");
            }

            assertThat(set.get()).isEqualTo("OK");
            assertThat(incremented.get()).isEqualTo(2L);
            assertThatThrownBy(wrongType::get).isInstanceOf(JedisDataException.class).hasMessageContaining("WRONGTYPE");
            assertThat(value.get()).isEqualTo("2");
        }
    }

    @Test
    void anErrorReplyFailsOnlyItsCaller(RedisServer server) {
        try (SharedRedis redis = SharedRedis.connect(URI.create(server.uri()), 1)) {
            redis.set(prefix + "text", "not a hash");

            assertThatThrownBy(() -> redis.hgetAll(prefix + "text")).isInstanceOf(JedisDataException.class);
            assertThat(redis.get(prefix + "text")).isEqualTo("not a hash");
        }
    }

    @Test
    void transactionsTakeAConnectionOfTheirOwn(RedisServer server) {
        try (SharedRedis redis = SharedRedis.connect(URI.create(server.uri()), 1)) {
            try (var tx = redis.multi()) {
                tx.set(prefix + "a", "1");
                tx.set(prefix + "b", "2");
                tx.exec();
            }

            assertThat(redis.mget(prefix + "a", prefix + "b")).containsExactly("1", "2");
        }
    }

    @Test
    void whileRedisIsDownCallsFailAndOnceItIsBackTheyWorkAgain() throws Exception {
        RedisServer own = RedisServer.start(Files.createTempDirectory("trainyard-shared-redis-"), FreePort.pick());
        try (SharedRedis redis = SharedRedis.connect(URI.create(own.uri()), 2)) {
            redis.set(prefix + "before", "1");

            own.kill();
            assertThatThrownBy(() -> redis.get(prefix + "before")).isInstanceOf(JedisConnectionException.class);

            own.restart();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> "1".equals(redis.get(prefix + "before")));
        } finally {
            own.close();
        }
    }

    @Test
    void aClosedClientRefusesCommands(RedisServer server) {
        SharedRedis redis = SharedRedis.connect(URI.create(server.uri()), 2);
        redis.close();

        assertThatThrownBy(() -> redis.get(prefix + "x")).isInstanceOf(JedisConnectionException.class);
    }
}
