package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.job.JobType;
import io.trainyard.common.pipeline.FailurePolicy;
import io.trainyard.common.pipeline.PipelineKeys;
import io.trainyard.common.pipeline.PipelineSteps;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.internal.pipeline.PipelineGraph;
import io.trainyard.ingress.internal.pipeline.PipelineRequest;
import io.trainyard.ingress.internal.pipeline.PipelineStep;
import io.trainyard.ingress.internal.pipeline.PipelineStore;
import io.trainyard.ingress.internal.pipeline.Pipelines;
import io.trainyard.ingress.internal.submit.EventLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Exactly-once start of a join, decided in Redis: 1,000 diamonds (a -> b, a -> c, b & c -> d),
 * whose b and c end at the same moment and are reported by two threads over two clients (each
 * reporting both ends, as a worker and the reconciler's sweep may). Every d is made READY, and
 * put in the outbox, exactly once.
 */
@ExtendWith(RealRedis.class)
class PipelineDiamondRaceIT {
    static final int DIAMONDS = 1_000;

    @Test
    void ofAThousandDiamondsWhoseParentsEndTogetherEachJoinIsReleasedOnce() throws Exception {
        String tenant = "race" + System.nanoTime();
        try (JedisPooled one = RealRedis.client(); JedisPooled two = RealRedis.client();
             EventLog events = new EventLog(getClass(), new PrintStream(OutputStream.nullOutputStream()),
                     InstantSource.system())) {
            Pipelines pipelines = new Pipelines(new PipelineStore(one), new PipelineSteps(one, 3600),
                    (topic, key, value, wait) -> {}, 1000, InstantSource.system(), events);
            List<Pipelines.Loaded> diamonds = new ArrayList<>();
            for (int i = 0; i < DIAMONDS; i++) {
                diamonds.add(pipelines.submit(new PipelineRequest(tenant, "mlw", "diamond-" + i,
                        FailurePolicy.FAIL_FAST, PipelineGraph.of(List.of(step("a"), step("b", "a"), step("c", "a"),
                        step("d", "b", "c"))), "test")));
            }
            PipelineSteps first = new PipelineSteps(one, 3600);
            for (Pipelines.Loaded d : diamonds) {
                complete(one, tenant, d, "a");
                assertThat(first.ended(tenant, d.pipeline().get("id"), List.of("a"), 1).ready()).hasSize(2);
                complete(one, tenant, d, "b");
                complete(one, tenant, d, "c");
            }
            Map<String, AtomicInteger> released = new ConcurrentHashMap<>();
            CyclicBarrier together = new CyclicBarrier(2);
            Thread[] racers = new Thread[2];
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int r = 0; r < 2; r++) {
                PipelineSteps steps = new PipelineSteps(r == 0 ? one : two, 3600);
                List<String> order = r == 0 ? List.of("b", "c") : List.of("c", "b");
                racers[r] = Thread.ofPlatform().start(() -> {
                    try {
                        for (Pipelines.Loaded d : diamonds) {
                            String id = d.pipeline().get("id");
                            together.await(); // b and c end "at the same moment", once per diamond
                            for (String parent : order) {
                                steps.ended(tenant, id, List.of(parent), 2).ready().forEach(ready ->
                                        released.computeIfAbsent(id + "/" + ready.step(), k -> new AtomicInteger())
                                                .incrementAndGet());
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
            }
            for (Thread t : racers) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(released).hasSize(DIAMONDS);
            released.forEach((step, count) -> assertThat(count.get()).as(step).isEqualTo(1));
            assertThat(released.keySet()).allMatch(k -> k.endsWith("/d"));
            assertThat(one.zcard(new PipelineKeys(tenant).outbox())).as("each d in the outbox once").isEqualTo(DIAMONDS);
            for (Pipelines.Loaded d : diamonds) {
                assertThat(one.hget(new PipelineKeys(tenant).pipeline(d.pipeline().get("id")), "p:d")).isEqualTo("0");
            }
        }
    }

    private static PipelineStep step(String name, String... parents) {
        return new PipelineStep(name, JobType.NOOP, null, null, null, null, 0, List.of(parents), "[]", Map.of());
    }

    private static void complete(JedisPooled redis, String tenant, Pipelines.Loaded d, String step) {
        redis.hset(new TenantKeys(tenant).run(d.pipeline().get("r:" + step)), "status", "COMPLETED");
    }
}
