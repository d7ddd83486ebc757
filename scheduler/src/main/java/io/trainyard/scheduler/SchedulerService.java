package io.trainyard.scheduler;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.common.ops.ServiceMeters;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.kafka.KafkaSetup;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.ops.KafkaClientMeters;
import io.trainyard.common.ops.OpsServer;
import io.trainyard.common.ops.ReadinessChecks;
import io.trainyard.scheduler.canary.Canary;
import io.trainyard.scheduler.fire.FireLedger;
import io.trainyard.scheduler.fire.FirePlanner;
import io.trainyard.scheduler.fire.QueuedRunLauncher;
import io.trainyard.scheduler.kafka.ScheduleConsumer;
import io.trainyard.scheduler.reconcile.Reconciler;
import io.trainyard.scheduler.timer.PartitionTimer;
import java.net.InetAddress;
import java.net.URI;
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
import redis.clients.jedis.JedisPooled;

/** A running scheduler: the composition of its parts, started by {@link #start} and stopped by {@link #close}. */
public final class SchedulerService implements AutoCloseable {
    private final String instanceId;
    private final JedisPooled redis;
    private final AdminClient admin;
    private final KafkaProducer<String, byte[]> producer;
    private final QueuedRunLauncher launcher;
    private final ScheduleConsumer consumer;
    private final List<KafkaClientMetrics> kafkaMeters;
    private final Canary canary;
    private final Reconciler reconciler;
    private final OpsServer ops;

    private SchedulerService(String instanceId, JedisPooled redis, AdminClient admin,
                             KafkaProducer<String, byte[]> producer, QueuedRunLauncher launcher, ScheduleConsumer consumer,
                             List<KafkaClientMetrics> kafkaMeters, Canary canary, Reconciler reconciler, OpsServer ops) {
        this.instanceId = instanceId;
        this.redis = redis;
        this.admin = admin;
        this.producer = producer;
        this.launcher = launcher;
        this.consumer = consumer;
        this.kafkaMeters = kafkaMeters;
        this.canary = canary;
        this.reconciler = reconciler;
        this.ops = ops;
    }

    /**
     * Starts a scheduler from its validated configuration, reading time from {@code clock}.
     * {@code onFatal} runs if the scheduler stops on an error it cannot recover from.
     */
    public static SchedulerService start(ConfigTable config, InstantSource clock, Runnable onFatal) {
        String bootstrap = config.get(CommonSettings.KAFKA_BOOTSTRAP);
        String instanceId = instanceId(config.get(SchedulerSettings.INSTANCE_ID));
        Duration publishTimeout = Duration.ofMillis(config.get(SchedulerSettings.PUBLISH_TIMEOUT_MS));
        PrometheusMeterRegistry registry = ServiceMeters.create();
        // Kept open: it also answers the readiness check.
        AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "trainyard-scheduler-" + instanceId + "-admin"));
        try {
            KafkaSetup.ensureTopics(admin, KafkaSetup.Layout.local());
        } catch (RuntimeException e) {
            admin.close(Duration.ofSeconds(2));
            throw e;
        }
        List<KafkaClientMetrics> kafkaMeters = new ArrayList<>();
        kafkaMeters.add(KafkaClientMeters.bind(registry, admin));
        SchedulerMetrics metrics = new SchedulerMetrics(registry);
        JedisPooled redis = new JedisPooled(URI.create(config.get(CommonSettings.REDIS_URI)));
        KafkaProducer<String, byte[]> producer = producer(bootstrap, instanceId, publishTimeout);
        kafkaMeters.add(KafkaClientMeters.bind(registry, producer));
        FireLedger ledger = new FireLedger(redis, config.get(CommonSettings.RUN_HISTORY), publishTimeout);
        FirePlanner planner = new FirePlanner(ledger,
                Duration.ofMillis(config.get(SchedulerSettings.CATCH_UP_WINDOW_MS)), metrics);
        QueuedRunLauncher launcher = new QueuedRunLauncher(ledger, planner, producer, clock, metrics, instanceId,
                publishTimeout).start();
        Duration holdRecheck = Duration.ofMillis(config.get(SchedulerSettings.HOLD_RECHECK_MS));
        KafkaConsumer<String, byte[]> kafkaConsumer = consumer(bootstrap, instanceId,
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
        OpsServer ops = OpsServer.start(config.get(SchedulerSettings.OPS_PORT), registry,
                ReadinessChecks.dependencies(admin, redis, InstantSource.system()).with("schedules", consumer::ready));
        return new SchedulerService(instanceId, redis, admin, producer, launcher, consumer, kafkaMeters, canary,
                reconciler, ops);
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

    private static KafkaProducer<String, byte[]> producer(String bootstrap, String instanceId, Duration timeout) {
        int millis = (int) timeout.toMillis();
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "trainyard-scheduler-" + instanceId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // The fires due at one instant are sent together; a short linger fills the batches.
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, millis,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1, millis / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap, String instanceId, long sessionTimeoutMs) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
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
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, sessionTimeoutMs / 5)),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        if (canary != null) {
            canary.close();
        }
        reconciler.close();
        consumer.close();
        launcher.close();
        kafkaMeters.forEach(KafkaClientMetrics::close);
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
        redis.close();
        ops.close();
    }
}
