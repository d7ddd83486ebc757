package io.trainyard.common.config;

/** Settings every service shares: where Kafka, Redis and the resource store are, and how long runs stay. */
public final class CommonSettings {
    /** A week: also Kafka's default log retention, so a job never outlives its run's record. */
    public static final int DEFAULT_RUN_RETENTION_SECONDS = 7 * 24 * 3600;

    public static final Setting<String> KAFKA_BOOTSTRAP = Setting.string("TRAINYARD_KAFKA_BOOTSTRAP",
            "127.0.0.1:9092", "Kafka bootstrap servers.");
    public static final Setting<String> REDIS_URI = Setting.string("TRAINYARD_REDIS_URI",
            "redis://127.0.0.1:6380", "Redis URI (redis://host:port).");
    public static final Setting<String> DATA_DIR = Setting.string("TRAINYARD_DATA_DIR",
            "./.trainyard/data", "Resource store directory; a volume shared by the ingress and every worker.");

    public static final Setting<Integer> RUN_RETENTION_SECONDS = Setting.integer("TRAINYARD_RUN_RETENTION_SECONDS",
            DEFAULT_RUN_RETENTION_SECONDS, 3600, Integer.MAX_VALUE,
            "How long an ended run's record and output stay in Redis; keep it at least as long as a job may "
                    + "wait in Kafka (the topics' retention), or a cancelled run could come back.");
    public static final Setting<Integer> RUN_HISTORY = Setting.integer("TRAINYARD_RUN_HISTORY", 1_000, 1, 1_000_000,
            "Latest runs a recurring task lists; older ended runs are removed as new ones are queued.");

    private CommonSettings() {}
}
