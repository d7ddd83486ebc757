package io.trainyard.worker;

import io.micrometer.core.instrument.Tags;
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
import io.trainyard.common.pipeline.PipelineSteps;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.store.RedisPools;
import io.trainyard.worker.internal.metrics.ShareConsumerMeters;
import io.trainyard.worker.internal.metrics.WorkerMetrics;
import io.trainyard.worker.internal.poll.DeadLetters;
import io.trainyard.worker.internal.poll.FlowAdmission;
import io.trainyard.worker.internal.poll.JobCopies;
import io.trainyard.worker.internal.poll.JobRecordHandler;
import io.trainyard.worker.internal.poll.ShareGroupPoller;
import io.trainyard.worker.internal.retry.RetryPolicy;
import io.trainyard.worker.internal.run.CancelListener;
import io.trainyard.worker.internal.run.JobKinds;
import io.trainyard.worker.internal.run.JobRunner;
import io.trainyard.worker.internal.run.RunEnvironment;
import io.trainyard.worker.internal.run.RunRegistry;
import io.trainyard.worker.internal.run.StopReason;
import io.trainyard.worker.internal.sandbox.ProcessSupervisor;
import io.trainyard.worker.internal.sandbox.SandboxLimits;
import io.trainyard.worker.internal.sandbox.WarmPool;
import io.trainyard.worker.internal.sandbox.WarmProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * A running worker: the composition of poller, runner, sandbox, cancel listener and operations
 * server. {@link #start(ConfigTable)} is the programmatic entry (tests run workers in-process);
 * {@link #close()} is the graceful shutdown: stop taking work, let running runs finish within the
 * grace period, hand the rest back to the queue, close everything.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    /**
     * The longest a stop takes after the grace period: the hand-back and the consumers' close
     * (see ShareGroupPoller), then the producer (5 s) and admin client (2 s). An orchestrator
     * must wait longer than grace plus this before it kills a stopping worker.
     */
    public static final long STOP_AFTER_GRACE_MS = 22_000;

    private final String workerId;
    private final ConfigTable config;
    private final UnifiedJedis redis;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AdminClient admin;
    private final List<KafkaClientMetrics> kafkaMeters;
    private final RunRegistry registry;
    private final ShareGroupPoller poller;
    private final CancelListener cancels;
    private final OpsServer ops;
    private final Heartbeat beat;
    private final PrometheusMeterRegistry meters;
    private final Path workRoot;
    private final WarmPool warm;
    private volatile boolean closed;

    private Worker(Builder b) {
        this.workerId = b.workerId;
        this.config = b.config;
        this.redis = b.redis;
        this.producer = b.producer;
        this.admin = b.admin;
        this.kafkaMeters = b.kafkaMeters;
        this.registry = b.registry;
        this.poller = b.poller;
        this.cancels = b.cancels;
        this.ops = b.ops;
        this.beat = b.beat;
        this.meters = b.meters;
        this.workRoot = b.workRoot;
        this.warm = b.warm;
    }

    public static Worker start(ConfigTable config) {
        return start(config, List.of());
    }

    /** Starts a worker whose job kinds are the standard ones, replaced by {@code kinds} where given. */
    public static Worker start(ConfigTable config, List<JobKind> kinds) {
        return start(config, kinds, InstantSource.system());
    }

    /** As {@link #start(ConfigTable, List)}, on {@code clock} (the time of its records and leases). */
    public static Worker start(ConfigTable config, List<JobKind> kinds, InstantSource clock) {
        SandboxChoice.Chosen sandbox = SandboxChoice.choose(config);
        Builder b = new Builder(config, clock);
        try {
            b.build(sandbox, kinds);
        } catch (RuntimeException e) {
            b.closeQuietly();
            throw e;
        }
        Worker worker = new Worker(b);
        LOG.info("worker {} started: {} slots in {} lane(s) of up to {} records on {}, sandbox {}, ops port {}",
                worker.workerId, config.get(WorkerSettings.SLOTS), worker.poller.lanes(), config.get(WorkerSettings.BATCH),
                config.get(WorkerSettings.TOPICS), sandbox.sandbox().name(), worker.opsPort());
        return worker;
    }

    public String workerId() {
        return workerId;
    }

    public int opsPort() {
        return ops.port();
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public int busySlots() {
        return poller.busySlots();
    }

    /** Whether the worker reaches Redis: while not, it holds what it has and takes no more jobs. */
    public boolean redisReachable() {
        return poller.redisReachable();
    }

    /** Taking work and listening for cancellations. */
    public boolean ready() {
        return !closed && poller.taking() && cancels.subscribed();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration grace = Duration.ofMillis(config.get(WorkerSettings.SHUTDOWN_GRACE_MS));
        LOG.info("worker {} stopping: {} running job(s), grace {} ms", workerId, poller.busySlots(), grace.toMillis());
        beat.close();
        poller.drain(grace, () -> registry.stopAll(StopReason.SHUTDOWN));
        poller.close();
        cancels.close();
        kafkaMeters.forEach(KafkaClientMetrics::close);
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
        redis.close();
        ops.close();
        if (warm != null) {
            warm.close();
        }
        deleteTree(workRoot);
        LOG.info("worker {} stopped", workerId);
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot remove {}: {}", root, e.toString());
        }
    }

    /** Builds the parts in order, so a failure half-way can close what was already opened. */
    private static final class Builder {
        final ConfigTable config;
        final String workerId;
        UnifiedJedis redis;
        KafkaProducer<byte[], byte[]> producer;
        AdminClient admin;
        final List<KafkaClientMetrics> kafkaMeters = new ArrayList<>();
        RunRegistry registry;
        ShareGroupPoller poller;
        CancelListener cancels;
        OpsServer ops;
        Heartbeat beat;
        PrometheusMeterRegistry meters;
        Path workRoot;
        WarmPool warm;

        final InstantSource clock;

        Builder(ConfigTable config, InstantSource clock) {
            this.config = config;
            this.clock = clock;
            this.workerId = config.get(WorkerSettings.WORKER_ID);
        }

        void build(SandboxChoice.Chosen sandbox, List<JobKind> extraKinds) {
            KafkaConnection kafka = KafkaConnection.of(config);
            TopicLayout layout = TopicLayout.of(config);
            int slots = config.get(WorkerSettings.SLOTS);
            int[] lanes = WorkerSettings.laneCapacities(slots, config.get(WorkerSettings.BATCH));
            long leaseMs = config.get(WorkerSettings.LEASE_MS);
            int maxAttempts = config.get(WorkerSettings.MAX_ATTEMPTS);

            meters = ServiceMeters.create(Tags.of("worker", workerId));
            // Kept open: it also answers the readiness check.
            admin = AdminClient.create(kafka.config(Map.of("client.id", clientId("admin"))));
            kafkaMeters.add(KafkaClientMeters.bind(meters, admin));
            KafkaSetup.ensureTopics(admin, layout);
            KafkaSetup.configureShareGroup(admin, Topics.WORKER_GROUP, DELIVERY_LIMIT, (int) leaseMs);
            // Runs' heartbeats and progress writes (virtual threads), and one pipeline at a time per lane;
            // a bounded wait for a free connection (see RedisPools); one more for the cancel channel.
            redis = RedisPools.open(config, Math.min(2 * slots + 5, 512));
            producer = new KafkaProducer<>(kafka.config(Map.of("acks", "all",
                    "enable.idempotence", "true", "client.id", clientId("dlq"))),
                    new ByteArraySerializer(), new ByteArraySerializer());
            kafkaMeters.add(KafkaClientMeters.bind(meters, producer));
            WorkerMetrics metrics = new WorkerMetrics(meters);
            registry = new RunRegistry();
            try {
                // Traversable by the runs' own users (each run's directory is handed to its user), not listable.
                workRoot = Files.createTempDirectory("trainyard-worker-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the worker's run directory", e);
            }
            SandboxLimits limits = new SandboxLimits(Duration.ofSeconds(config.get(WorkerSettings.DEFAULT_TIMEOUT_SECONDS)),
                    config.get(WorkerSettings.DEFAULT_TIMEOUT_SECONDS) + 1L,
                    config.get(WorkerSettings.MEMORY_MB) * 1024L * 1024L, sandbox.maxProcesses(),
                    1L << 30, config.get(WorkerSettings.MAX_OUTPUT_BYTES));
            warm = SandboxChoice.warmPool(config, sandbox, workRoot, limits);
            if (warm != null) {
                metrics.warmSandboxes(warm::waiting, List.of(WarmProfile.SCRIPT, WarmProfile.TRAINER));
            }
            RunEnvironment environment = new RunEnvironment(config, warm != null ? warm : sandbox.sandbox(),
                    new ProcessSupervisor(clock),
                    new ResourceFiles(Path.of(config.get(CommonSettings.DATA_DIR))),
                    Path.of(config.get(WorkerSettings.PYTHON)), limits, workRoot, clock, redis);
            JobKinds kinds = JobKinds.standard(environment);
            for (JobKind kind : extraKinds) {
                kinds = kinds.with(kind);
            }
            RetryPolicy retry = RetryPolicy.custom().maxAttempts(maxAttempts)
                    .backoff(Duration.ofMillis(config.get(WorkerSettings.RETRY_BACKOFF_MS)), 2.0).build();
            JobRunner.Settings runnerSettings = new JobRunner.Settings(workerId, leaseMs,
                    config.get(WorkerSettings.DEFAULT_TIMEOUT_SECONDS), config.get(WorkerSettings.MAX_TIMEOUT_SECONDS), retry);
            RunLedger ledger = new RunLedger(redis, leaseMs, config.get(CommonSettings.RUN_RETENTION_SECONDS), maxAttempts,
                    clock);
            JobRunner runner = new JobRunner(runnerSettings, ledger, redis, kinds, environment, registry, metrics,
                    new StepEnds(new PipelineSteps(redis, config.get(CommonSettings.RUN_RETENTION_SECONDS)), producer,
                            clock));
            JobRecordHandler handler = new JobRecordHandler(runner, new DeadLetters(producer, redis, workerId, clock),
                    new JobCopies(producer), metrics, DELIVERY_LIMIT, workerId,
                    new FlowAdmission(new FlowStore(redis, FlowLimits.of(config, leaseMs), clock), producer));

            cancels = new CancelListener(redis, registry).start();
            poller = new ShareGroupPoller((lane, maxRecords) -> shareConsumer(kafka, lane, maxRecords),
                    Topics.withPriorities(config.get(WorkerSettings.TOPICS)), lanes, handler, clock, leaseMs,
                    config.get(WorkerSettings.LOW_PRIORITY_SHARE), config.get(WorkerSettings.HIGH_PRIORITY_SLOTS)).start();
            metrics.slots(poller::busySlots, slots, lanes.length);
            metrics.renewals(poller, ShareGroupPoller::renewals);
            metrics.handedBack(poller, ShareGroupPoller::handedBack);
            ShareConsumerMeters.bind(meters, poller);
            ops = OpsServer.start(config.get(WorkerSettings.OPS_PORT), meters,
                    ReadinessChecks.dependencies(admin, redis, clock)
                            .with("worker", () -> poller.taking() && cancels.subscribed()));
            beat = WorkerBeat.start(redis, workerId, slots, poller::busySlots, meters, clock);
        }

        private ShareConsumer<byte[], byte[]> shareConsumer(KafkaConnection kafka, int lane, int maxRecords) {
            return new KafkaShareConsumer<>(kafka.config(Map.of(
                    "group.id", Topics.WORKER_GROUP,
                    "client.id", clientId("lane-" + lane),
                    "share.acknowledgement.mode", "explicit",
                    "share.acquire.mode", "record_limit",
                    "max.poll.records", maxRecords,
                    // A lane polls only when the worker has room for its records, which may be
                    // rarely; it must stay in the group meanwhile.
                    "max.poll.interval.ms", LANE_MAX_POLL_INTERVAL_MS)),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        private String clientId(String suffix) {
            return "trainyard-worker-" + workerId.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + suffix;
        }

        void closeQuietly() {
            kafkaMeters.forEach(KafkaClientMetrics::close);
            for (AutoCloseable c : new AutoCloseable[] {beat, poller, cancels, ops, producer, admin, redis, warm}) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // Start-up failed already; report that, not this.
                    }
                }
            }
            deleteTree(workRoot);
        }
    }

    /**
     * The share group's delivery limit: the broker's largest (10). Attempts are counted by the
     * run's epoch in Redis (its starts), so waiting in the queue spends none; deliveries only
     * bound how often one record is acquired, and a record handed back on its last delivery is
     * published again rather than archived.
     */
    static final int DELIVERY_LIMIT = 10;
    /** How long a lane may go without polling before the group takes it for dead: a day. */
    private static final int LANE_MAX_POLL_INTERVAL_MS = 24 * 3_600_000;
}
