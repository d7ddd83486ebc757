package io.trainyard.ingress;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.Setting;
import java.util.List;

/** The ingress's configuration table: every environment variable it reads, with type and default. */
public final class IngressSettings {
    public static final Setting<Integer> HTTP_PORT = Setting.integer("TRAINYARD_HTTP_PORT", 8080, 0, 65535,
            "HTTP port of the API, /metrics and /health (0 picks a free port).");
    public static final Setting<String> USERS_FILE = Setting.string("TRAINYARD_USERS_FILE", null,
            "JSON list of {tenant, user, passwordHash (bcrypt), roles}; `./trainyard up` writes a development one.");
    public static final Setting<String> OPERATOR_TENANT = Setting.string("TRAINYARD_OPERATOR_TENANT", "",
            "Tenant whose ADMINs create tenants and manage every tenant's users (API /tenants, the console's Users "
                    + "page); other ADMINs manage their own tenant's users. Empty: no such tenant.");
    public static final Setting<Integer> MAX_BODY_BYTES = Setting.integer("TRAINYARD_MAX_BODY_BYTES", 1 << 20,
            1024, Integer.MAX_VALUE, "Largest JSON or form request body accepted; larger ones get 413.");
    public static final Setting<Integer> MAX_UPLOAD_BYTES = Setting.integer("TRAINYARD_MAX_UPLOAD_BYTES",
            64 << 20, 1024, Integer.MAX_VALUE, "Largest resource upload (multipart) accepted; larger ones get 413.");
    public static final Setting<Long> SUBMIT_TIMEOUT_MS = Setting.millis("TRAINYARD_SUBMIT_TIMEOUT_MS", 5_000,
            1_000, 300_000, "How long a submit may take from its first Redis write to its answer: the writes, the "
                    + "wait for Kafka's acknowledgement and, when none came, the rollback (503), which keeps the last "
                    + "fifth.");
    public static final Setting<Long> PUBLISH_LINGER_MS = Setting.millis("TRAINYARD_PUBLISH_LINGER_MS", 5, 0, 100,
            "How long the Kafka producer holds a batch open: submits arriving meanwhile share one request and "
                    + "one acknowledgement (each still answers only once Kafka has its job). A submit that finds no "
                    + "other waiting for Kafka is sent at once.");
    public static final Setting<Integer> REDIS_LANES = Setting.integer("TRAINYARD_REDIS_LANES", 2, 1, 64,
            "Redis connections that carry the API's commands, each with a thread sending every command queued "
                    + "since its last round trip in one go: concurrent requests share round trips (one server only).");
    public static final Setting<Integer> REDIS_WAIT_REPLICAS = Setting.integer("TRAINYARD_REDIS_WAIT_REPLICAS", 0, 0, 16,
            "Replicas that must confirm a submit's records (name, task, run) before it is answered (Redis WAIT), "
                    + "so an acknowledged submit survives the primary's failover; 0: not waited for.");
    public static final Setting<Integer> REDIS_WAIT_TIMEOUT_MS = Setting.integer("TRAINYARD_REDIS_WAIT_TIMEOUT_MS",
            500, 1, 60_000, "How long a submit waits for those replicas; short of them it is undone and answered 503.");

    public static final Setting<String> TOKEN_KEYS_FILE = Setting.string("TRAINYARD_TOKEN_KEYS_FILE", "",
            "JWK Set (JSON) whose keys verify bearer tokens (HS256, RS256, ES256); a shared secret (kty oct) also "
                    + "enables token login at POST /auth/local. Empty: bearer tokens are refused.");
    public static final Setting<String> TOKEN_ISSUER = Setting.string("TRAINYARD_TOKEN_ISSUER", "",
            "Required `iss` of bearer tokens, and the issuer of tokens the ingress signs; empty: not checked.");

    public static final List<Setting<?>> ALL = List.of(HTTP_PORT, USERS_FILE, OPERATOR_TENANT, MAX_BODY_BYTES, MAX_UPLOAD_BYTES,
            SUBMIT_TIMEOUT_MS, PUBLISH_LINGER_MS, REDIS_LANES, TOKEN_KEYS_FILE, TOKEN_ISSUER, CommonSettings.KAFKA_BOOTSTRAP,
            CommonSettings.KAFKA_CLIENT_PROPERTIES, CommonSettings.KAFKA_JOB_PARTITIONS,
            CommonSettings.KAFKA_SCHEDULE_PARTITIONS, CommonSettings.KAFKA_REPLICATION_FACTOR,
            CommonSettings.KAFKA_MIN_INSYNC_REPLICAS, CommonSettings.REDIS_URI, CommonSettings.REDIS_TLS_CA_FILE,
            CommonSettings.DATA_DIR, REDIS_WAIT_REPLICAS, REDIS_WAIT_TIMEOUT_MS);

    private IngressSettings() {}
}
