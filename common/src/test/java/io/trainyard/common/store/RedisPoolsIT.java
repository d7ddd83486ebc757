package io.trainyard.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.JavaProcess;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A burst of virtual threads on a small pool must end, even with a single carrier thread. With
 * the pool's default unbounded wait it does not: callers waiting for a connection spin in
 * commons-pool2 and keep the one carrier from the thread that is opening the connection.
 */
@ExtendWith(RealRedis.class)
class RedisPoolsIT {
    @Test
    void aBurstOfVirtualThreadsOnOneCarrierEnds() throws Exception {
        Process burst = JavaProcess.of(PoolBurst.class)
                .jvm("-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1")
                .args(Integer.toString(RealRedis.server().port()), "500", "bounded")
                .start();
        try {
            // A bound on termination, not on speed: the unbounded pool never gets there.
            assertThat(burst.waitFor(120, TimeUnit.SECONDS)).as("the burst ended").isTrue();
            String output = new String(burst.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(burst.exitValue()).as(output).isZero();
            assertThat(output).contains("every call ended");
        } finally {
            burst.destroyForcibly();
        }
    }
}
