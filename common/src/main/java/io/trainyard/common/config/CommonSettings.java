package io.trainyard.common.config;

/** Settings every service shares: where Kafka, Redis and the resource store are. */
public final class CommonSettings {
    public static final Setting<String> KAFKA_BOOTSTRAP = Setting.string("TRAINYARD_KAFKA_BOOTSTRAP",
            "127.0.0.1:9092", "Kafka bootstrap servers.");
    public static final Setting<String> REDIS_URI = Setting.string("TRAINYARD_REDIS_URI",
            "redis://127.0.0.1:6380", "Redis URI (redis://host:port).");
    public static final Setting<String> DATA_DIR = Setting.string("TRAINYARD_DATA_DIR",
            "./.trainyard/data", "Resource store directory; a volume shared by the ingress and every worker.");

    private CommonSettings() {}
}
