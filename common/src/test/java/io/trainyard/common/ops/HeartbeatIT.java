package io.trainyard.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.testing.RealRedis;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

@ExtendWith(RealRedis.class)
class HeartbeatIT {
    @Test
    void aBeatIsRepeatedWithFreshFieldsAndIsGoneOnceItStops() {
        String id = "w-" + UUID.randomUUID();
        AtomicInteger busy = new AtomicInteger(1);
        try (JedisPooled redis = RealRedis.client()) {
            Heartbeat beat = Heartbeat.start(redis, Heartbeat.Kind.WORKER, id,
                    () -> Map.of(BeatFields.BUSY, Integer.toString(busy.get())), InstantSource.system());
            String key = Heartbeat.Kind.WORKER.key(id);
            await().atMost(Duration.ofSeconds(5)).until(() -> "1".equals(redis.hget(key, BeatFields.BUSY)));
            // A process that dies without closing loses its beat after the TTL.
            assertThat(redis.pttl(key)).isBetween(1L, Heartbeat.TTL.toMillis());
            busy.set(3);
            await().atMost(Heartbeat.EVERY.multipliedBy(3)).until(() -> "3".equals(redis.hget(key, BeatFields.BUSY)));
            beat.close();
            assertThat(redis.exists(key)).isFalse();
            // Still listed (as gone) by its last beat.
            assertThat(redis.zscore(Heartbeat.Kind.WORKER.index(), id)).isNotNull();
        }
    }
}
