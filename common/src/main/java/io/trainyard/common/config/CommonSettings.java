package io.trainyard.common.config;

import java.util.List;

/** Settings every service shares: where Kafka, Redis and the resource store are, and how long runs stay. */
public final class CommonSettings {
    /** A week: also Kafka's default log retention, so a job never outlives its run's record. */
    public static final int DEFAULT_RUN_RETENTION_SECONDS = 7 * 24 * 3600;

    public static final Setting<String> KAFKA_BOOTSTRAP = Setting.string("TRAINYARD_KAFKA_BOOTSTRAP",
            "127.0.0.1:9092", "Kafka bootstrap servers.");
    public static final Setting<String> KAFKA_CLIENT_PROPERTIES = Setting.string("TRAINYARD_KAFKA_CLIENT_PROPERTIES",
            "", "A Java properties file of Kafka client settings (security.protocol, sasl.*, ssl.*, ...) given to "
                    + "every Kafka client of the service; `TRAINYARD_KAFKA_PROP_<NAME>` variables add to it and win "
                    + "(SASL_MECHANISM is sasl.mechanism). Empty: none.");
    public static final Setting<Integer> KAFKA_JOB_PARTITIONS = Setting.integer("TRAINYARD_KAFKA_JOB_PARTITIONS", 1,
            1, 10_000, "Partitions of each job topic when Trainyard creates it; existing topics must have at least "
                    + "as many. A share group spreads one partition over every worker, so more only help past "
                    + "one broker's write rate.");
    public static final Setting<Integer> KAFKA_SCHEDULE_PARTITIONS = Setting.integer(
            "TRAINYARD_KAFKA_SCHEDULE_PARTITIONS", 4, 1, 10_000, "Partitions of the schedules topic when Trainyard "
                    + "creates it: at most this many scheduler instances share the schedules.");
    public static final Setting<Integer> KAFKA_REPLICATION_FACTOR = Setting.integer(
            "TRAINYARD_KAFKA_REPLICATION_FACTOR", 1, 1, 32, "Replicas of every Trainyard topic; existing topics "
                    + "must have at least as many, and topics are only created when the cluster has that many "
                    + "live brokers. 3 for a production cluster.");
    public static final Setting<Integer> KAFKA_MIN_INSYNC_REPLICAS = Setting.integer(
            "TRAINYARD_KAFKA_MIN_INSYNC_REPLICAS", 1, 1, 32, "min.insync.replicas of the topics Trainyard creates: "
                    + "replicas that must have a job before it is acknowledged (acks=all); at most the replication "
                    + "factor. 2 with 3 replicas.");
    public static final Setting<String> REDIS_URI = Setting.string("TRAINYARD_REDIS_URI",
            "redis://127.0.0.1:6380", "Redis URI: redis://[user:password@]host:port[/db] (one server), "
                    + "redis-cluster://[user:password@]host:port,host:port (a Redis Cluster, any nodes as seeds), "
                    + "redis-sentinel://[user:password@]host:port,host:port/master (the primary Sentinels watch "
                    + "as master); rediss... for TLS.");
    public static final Setting<String> REDIS_TLS_CA_FILE = Setting.string("TRAINYARD_REDIS_TLS_CA_FILE", "",
            "PEM file of the CAs that sign Redis's TLS certificates (rediss URIs); empty: the JVM's CAs.");
    public static final Setting<String> DATA_DIR = Setting.string("TRAINYARD_DATA_DIR",
            "./.trainyard/data", "Resource store directory; a volume shared by the ingress and every worker.");

    public static final Setting<Integer> RUN_RETENTION_SECONDS = Setting.integer("TRAINYARD_RUN_RETENTION_SECONDS",
            DEFAULT_RUN_RETENTION_SECONDS, 3600, Integer.MAX_VALUE,
            "How long an ended run's record and output stay in Redis; keep it at least as long as a job may "
                    + "wait in Kafka (the topics' retention), or a cancelled run could come back.");
    public static final Setting<Integer> RUN_HISTORY = Setting.integer("TRAINYARD_RUN_HISTORY", 1_000, 1, 1_000_000,
            "Latest runs a recurring task lists; older ended runs are removed as new ones are queued.");

    public static final Setting<Integer> FLOW_CONCURRENCY_PER_KEY = Setting.integer("TRAINYARD_CONCURRENCY_PER_KEY", 0, 0,
            1_000_000, "Runs of one concurrency key RUNNING at once, across all workers, for keys with no limit "
                    + "stored through the API; 0 for no limit. Keep it equal in the workers and the scheduler.");
    public static final Setting<Integer> FLOW_RATE_PER_TENANT = Setting.integer("TRAINYARD_RATE_PER_TENANT", 0, 0,
            1_000_000, "Jobs per second one tenant may start (a token bucket of one second's jobs, shared by all "
                    + "workers), for tenants with no rate stored through the API; 0 for no limit.");
    public static final Setting<Integer> FLOW_RATE_PER_KEY = Setting.integer("TRAINYARD_RATE_PER_KEY", 0, 0,
            1_000_000, "Jobs per second one concurrency key may start, for keys with no rate stored through the API; "
                    + "0 for no limit.");

    /** The flow-control defaults the workers (which admit jobs) and the scheduler (which promotes them) share. */
    public static final List<Setting<?>> FLOW = List.of(FLOW_CONCURRENCY_PER_KEY, FLOW_RATE_PER_TENANT,
            FLOW_RATE_PER_KEY);

    /** The Kafka settings every service reads, in the order the README lists them. */
    public static final List<Setting<?>> KAFKA = List.of(KAFKA_BOOTSTRAP, KAFKA_CLIENT_PROPERTIES,
            KAFKA_JOB_PARTITIONS, KAFKA_SCHEDULE_PARTITIONS, KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS);

    /** The settings of every service that reaches Redis. */
    public static final List<Setting<?>> REDIS = List.of(REDIS_URI, REDIS_TLS_CA_FILE);

    private CommonSettings() {}
}
