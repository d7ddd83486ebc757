package io.trainyard.scheduler;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.flow.FlowLimits;
import io.trainyard.common.flow.FlowStore;
import io.trainyard.common.kafka.KafkaConnection;
import io.trainyard.common.kafka.KafkaSetup;
import io.trainyard.common.kafka.TopicLayout;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.ops.Heartbeat;
import io.trainyard.common.ops.KafkaClientMeters;
import io.trainyard.common.ops.OpsServer;
import io.trainyard.common.ops.ReadinessChecks;
import io.trainyard.common.ops.ServiceMeters;
import io.trainyard.common.store.RedisPools;
import io.trainyard.scheduler.internal.SchedulerMetrics;
import io.trainyard.scheduler.internal.canary.Canary;
import io.trainyard.scheduler.internal.fire.FireLedger;
import io.trainyard.scheduler.internal.fire.FirePlanner;
import io.trainyard.scheduler.internal.fire.QueuedRunLauncher;
import io.trainyard.scheduler.internal.kafka.ScheduleConsumer;
import io.trainyard.scheduler.internal.pipeline.PipelineReconciler;
import io.trainyard.scheduler.internal.reconcile.FlowSweep;
import io.trainyard.scheduler.internal.reconcile.Reconciler;
import io.trainyard.scheduler.internal.timer.PartitionTimer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.UnifiedJedis;

/** A running scheduler: the composition of its parts, started by {@link #start} and stopped by {@link #close}. */
public final class SchedulerService implements AutoCloseable {
    /** Redis connections: the launcher, the reconciler, the canary and the schedules' fires. */
    private static final int REDIS_CONNECTIONS = 16;
    private final String instanceId;
    private final UnifiedJedis redis;
    private final AdminClient admin;
    private final KafkaProducer<String, byte[]> producer;
    private final QueuedRunLauncher launcher;
    private final ScheduleConsumer consumer;
    private final List<KafkaClientMetrics> kafkaMeters;
    private final Canary canary;
    private final Reconciler reconciler;
    private final PipelineReconciler pipelines;
    private final FlowSweep flowSweep;
    private final OpsServer ops;
    private final Heartbeat beat;

    private SchedulerService(String instanceId, UnifiedJedis redis, AdminClient admin,
                             KafkaProducer<String, byte[]> producer, QueuedRunLauncher launcher, ScheduleConsumer consumer,
                             List<KafkaClientMetrics> kafkaMeters, Canary canary, Reconciler reconciler,
                             PipelineReconciler pipelines, FlowSweep flowSweep, OpsServer ops, Heartbeat beat) {
        this.instanceId = instanceId;
        this.redis = redis;
        this.admin = admin;
        this.producer = producer;
        this.flowSweep = flowSweep;
        this.launcher = launcher;
        this.consumer = consumer;
        this.kafkaMeters = kafkaMeters;
        this.canary = canary;
        this.reconciler = reconciler;
        this.pipelines = pipelines;
        this.ops = ops;
        this.beat = beat;
    }

    /**
     * Starts a scheduler from its validated configuration, reading time from {@code clock}.
     * {@code onFatal} runs if the scheduler stops on an error it cannot recover from.
     */
    public static SchedulerService start(ConfigTable config, InstantSource clock, Runnable onFatal) {
        KafkaConnection kafka = KafkaConnection.of(config);
        TopicLayout layout = TopicLayout.of(config);
        String instanceId = instanceId(config.get(SchedulerSettings.INSTANCE_ID));
        Duration publishTimeout = Duration.ofMillis(config.get(SchedulerSettings.PUBLISH_TIMEOUT_MS));
        PrometheusMeterRegistry registry = ServiceMeters.create();
        // Kept open: it also answers the readiness check.
        AdminClient admin = AdminClient.create(kafka.config(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "trainyard-scheduler-" + instanceId + "-admin")));
        try {
            KafkaSetup.ensureTopics(admin, layout);
        } catch (RuntimeException e) {
            admin.close(Duration.ofSeconds(2));
            throw e;
        }
        List<KafkaClientMetrics> kafkaMeters = new ArrayList<>();
        kafkaMeters.add(KafkaClientMeters.bind(registry, admin));
        SchedulerMetrics metrics = new SchedulerMetrics(registry);
        UnifiedJedis redis;
        try {
            redis = RedisPools.open(config, REDIS_CONNECTIONS);
        } catch (RuntimeException e) {
            admin.close(Duration.ofSeconds(2));
            throw e;
        }
        KafkaProducer<String, byte[]> producer = producer(kafka, instanceId, publishTimeout);
        kafkaMeters.add(KafkaClientMeters.bind(registry, producer));
        FireLedger ledger = new FireLedger(redis, config.get(CommonSettings.RUN_HISTORY), publishTimeout);
        FirePlanner planner = new FirePlanner(ledger,
                Duration.ofMillis(config.get(SchedulerSettings.CATCH_UP_WINDOW_MS)), metrics);
        QueuedRunLauncher launcher = new QueuedRunLauncher(ledger, planner, producer, clock, metrics, instanceId,
                publishTimeout).start();
        Duration holdRecheck = Duration.ofMillis(config.get(SchedulerSettings.HOLD_RECHECK_MS));
        KafkaConsumer<String, byte[]> kafkaConsumer = consumer(kafka, instanceId,
                config.get(SchedulerSettings.SESSION_TIMEOUT_MS));
        kafkaMeters.add(KafkaClientMeters.bind(registry, kafkaConsumer));
        ScheduleConsumer consumer = new ScheduleConsumer(kafkaConsumer,
                partition -> new PartitionTimer(partition, launcher, planner, clock, holdRecheck),
                metrics::invalidRecord, onFatal);
        metrics.ownership(consumer::schedulesOwned, consumer::partitionsOwned);
        consumer.start();
        long canaryMillis = config.get(SchedulerSettings.CANARY_INTERVAL_MS);
        // Canary intervals are wall-clock time, like the workers' pickup latency they feed.
        Canary canary = canaryMillis == 0 ? null : new Canary(redis, producer, InstantSource.system(),
                Duration.ofMillis(canaryMillis), publishTimeout, metrics, instanceId).start();
        // Lease and publish deadlines are wall-clock time, like the workers' leases.
        Reconciler reconciler = new Reconciler(redis, producer, InstantSource.system(),
                Duration.ofMillis(config.get(SchedulerSettings.RECONCILER_INTERVAL_MS)),
                config.get(SchedulerSettings.MAX_ATTEMPTS), publishTimeout,
                config.get(CommonSettings.RUN_RETENTION_SECONDS), metrics, instanceId).start();
        PipelineReconciler pipelines = new PipelineReconciler(redis, producer, InstantSource.system(),
                Duration.ofMillis(config.get(SchedulerSettings.RECONCILER_INTERVAL_MS)), publishTimeout,
                config.get(CommonSettings.RUN_RETENTION_SECONDS)).start();
        // A promoted job keeps its slot for the publish timeout; the reconciler publishes it if this instance cannot.
        FlowSweep flowSweep = new FlowSweep(new FlowStore(redis, FlowLimits.of(config, publishTimeout.toMillis()),
                InstantSource.system()), producer, Duration.ofMillis(config.get(SchedulerSettings.FLOW_SWEEP_MS)),
                publishTimeout).start();
        OpsServer ops = OpsServer.start(config.get(SchedulerSettings.OPS_PORT), registry,
                ReadinessChecks.dependencies(admin, redis, InstantSource.system()).with("schedules", consumer::ready));
        Heartbeat beat = SchedulerBeat.start(redis, instanceId, consumer::schedulesOwned, consumer::partitionsOwned,
                InstantSource.system());
        return new SchedulerService(instanceId, redis, admin, producer, launcher, consumer, kafkaMeters, canary,
                reconciler, pipelines, flowSweep, ops, beat);
    }

    public String instanceId() {
        return instanceId;
    }

    public boolean ready() {
        return consumer.ready();
    }

    public int schedulesOwned() {
        return consumer.schedulesOwned();
    }

    public int opsPort() {
        return ops.port();
    }

    /** The parts tests look into. */
    ScheduleConsumer consumer() {
        return consumer;
    }

    private static String instanceId(String configured) {
        if (!configured.isBlank()) {
            return configured;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "scheduler";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private static KafkaProducer<String, byte[]> producer(KafkaConnection kafka, String instanceId, Duration timeout) {
        int millis = (int) timeout.toMillis();
        return new KafkaProducer<>(kafka.config(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "trainyard-scheduler-" + instanceId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // The fires due at one instant are sent together; a short linger fills the batches.
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, millis,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1, millis / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis)),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(KafkaConnection kafka, String instanceId,
                                                          long sessionTimeoutMs) {
        return new KafkaConsumer<>(kafka.config(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, Topics.SCHEDULER_GROUP,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.CLIENT_ID_CONFIG, "trainyard-scheduler-" + instanceId,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // A fetch waiting on the broker delays the first fetch of a newly assigned
                // partition; short waits keep a takeover and a tombstone quick.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeoutMs,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, sessionTimeoutMs / 5))),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        beat.close();
        if (canary != null) {
            canary.close();
        }
        reconciler.close();
        pipelines.close();
        flowSweep.close();
        consumer.close();
        launcher.close();
        kafkaMeters.forEach(KafkaClientMetrics::close);
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
        redis.close();
        ops.close();
    }
}
