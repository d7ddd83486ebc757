package io.trainyard.scheduler;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.Setting;
import java.util.List;

/** The scheduler's configuration table: every environment variable it reads. */
public final class SchedulerSettings {
    public static final Setting<String> INSTANCE_ID = Setting.string("TRAINYARD_SCHEDULER_INSTANCE_ID", "",
            "Name of this instance in logs, runs (scheduledBy) and the Kafka client id; empty means host-pid.");
    public static final Setting<Integer> OPS_PORT = Setting.integer("TRAINYARD_OPS_PORT", 9100, 0, 65535,
            "Port of /metrics, /health/live and /health/ready (0 picks a free one).");
    public static final Setting<Long> CATCH_UP_WINDOW_MS = Setting.millis("TRAINYARD_SCHEDULER_CATCH_UP_WINDOW_MS",
            300_000, 0, 7L * 24 * 3600 * 1000,
            "A fire missed (downtime, fail-over) by less than this still runs, once; older ones are recorded "
                    + "on the task as missed. A schedule may set its own.");
    public static final Setting<Long> SESSION_TIMEOUT_MS = Setting.millis("TRAINYARD_SCHEDULER_SESSION_TIMEOUT_MS",
            10_000, 6_000, 300_000,
            "Kafka consumer session timeout: how long a crashed instance's schedules wait before another takes them.");
    public static final Setting<Long> HOLD_RECHECK_MS = Setting.millis("TRAINYARD_SCHEDULER_HOLD_RECHECK_MS",
            1_000, 50, 600_000,
            "How often a fire held by overlap policy QUEUE_ONE checks whether the earlier run ended.");
    public static final Setting<Long> PUBLISH_TIMEOUT_MS = Setting.millis("TRAINYARD_SCHEDULER_PUBLISH_TIMEOUT_MS",
            15_000, 1_000, 300_000,
            "How long a fire's job may wait for Kafka's acknowledgement before its run is marked FAILED.");
    public static final Setting<Long> CANARY_INTERVAL_MS = Setting.millis("TRAINYARD_CANARY_INTERVAL_MS", 0, 0,
            3_600_000, "Every this often the cluster queues a NOOP job of tenant `trainyard-canary` (one per interval, "
                    + "whatever the number of instances), so pickup latency and liveness are measured even when "
                    + "idle; 0 turns the canary off.");

    public static final Setting<Long> RECONCILER_INTERVAL_MS = Setting.millis("TRAINYARD_RECONCILER_INTERVAL_MS",
            30_000, 100, 3_600_000,
            "How long a run may stay RUNNING past its lease (its worker died), or QUEUED past its publish deadline "
                    + "with no job on Kafka, before this instance's reconciler queues it again or ends it; it looks "
                    + "every half of this.");
    public static final Setting<Long> FLOW_SWEEP_MS = Setting.millis("TRAINYARD_FLOW_SWEEP_MS", 250, 10, 60_000,
            "How often this instance hands back parked jobs whose time came: rate-limited jobs due to start, and jobs "
                    + "waiting for a concurrency key whose holder's worker died (its slot frees once its lease ran out).");
    public static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("TRAINYARD_MAX_ATTEMPTS", 3, 1, 8,
            "Starts a run gets: a run whose worker stopped renewing its lease is queued again while it has had "
                    + "fewer, else ended FAILED and dead-lettered. Keep it equal to the workers'.");

    public static final List<Setting<?>> ALL = List.of(CommonSettings.KAFKA_BOOTSTRAP, CommonSettings.KAFKA_CLIENT_PROPERTIES, CommonSettings.KAFKA_JOB_PARTITIONS,
            CommonSettings.KAFKA_SCHEDULE_PARTITIONS, CommonSettings.KAFKA_REPLICATION_FACTOR,
            CommonSettings.KAFKA_MIN_INSYNC_REPLICAS, CommonSettings.REDIS_URI, CommonSettings.REDIS_TLS_CA_FILE,
            CommonSettings.RUN_HISTORY, CommonSettings.RUN_RETENTION_SECONDS, INSTANCE_ID, OPS_PORT,
            CATCH_UP_WINDOW_MS, SESSION_TIMEOUT_MS, HOLD_RECHECK_MS, PUBLISH_TIMEOUT_MS, CANARY_INTERVAL_MS,
            RECONCILER_INTERVAL_MS, MAX_ATTEMPTS, FLOW_SWEEP_MS, CommonSettings.FLOW_CONCURRENCY_PER_KEY,
            CommonSettings.FLOW_RATE_PER_TENANT, CommonSettings.FLOW_RATE_PER_KEY);

    private SchedulerSettings() {}
}
