package io.trainyard.scheduler.internal.reconcile;

import io.trainyard.common.flow.FlowStore.Release;
import io.trainyard.common.flow.FlowStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands back the parked jobs whose time came without a run ending: rate-limited jobs whose token
 * time came, and jobs waiting for a concurrency key whose holder's worker died (the holder's slot
 * frees once its lease ran out; a run that ends on a live worker frees its own at once). Every
 * instance sweeps: {@code flow.lua} hands each job to one of them. A job whose publish fails stays
 * in the in-flight index, where the reconciler publishes it.
 */
public final class FlowSweep implements AutoCloseable {
    /** Rate-limited jobs handed back per tenant per pass. */
    static final int DUE_PER_TENANT = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(FlowSweep.class);

    private final FlowStore flows;
    private final Producer<String, byte[]> producer;
    private final Duration period;
    private final Duration publishTimeout;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("flow-sweep").daemon().factory());

    public FlowSweep(FlowStore flows, Producer<String, byte[]> producer, Duration period, Duration publishTimeout) {
        this.flows = flows;
        this.producer = producer;
        this.period = period;
        this.publishTimeout = publishTimeout;
    }

    public FlowSweep start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                LOG.warn("flow sweep failed; trying again in {} ms: {}", period.toMillis(), e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass over every tenant with parked jobs; the jobs it published. */
    public int sweep() {
        List<Release> released = new ArrayList<>();
        for (String tenant : flows.parkedTenants()) {
            released.addAll(flows.due(tenant, DUE_PER_TENANT));
            for (String key : flows.waitingKeys(tenant)) {
                released.addAll(flows.release(tenant, key, null));
            }
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>(released.size());
        for (Release r : released) {
            sends.add(producer.send(new ProducerRecord<>(r.topic(), r.runId(), r.message())));
        }
        List<Release> published = new ArrayList<>(released.size());
        for (int i = 0; i < sends.size(); i++) {
            try {
                sends.get(i).get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
                published.add(released.get(i));
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("run {}/{}: parked job not published ({}); the reconciler will", released.get(i).tenant(),
                        released.get(i).runId(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        flows.published(published);
        return published.size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
