package io.trainyard.worker;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.Setting;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/** The worker's configuration table: every environment variable it reads, with defaults and meaning. */
public final class WorkerSettings {
    /** Most lanes (share consumers, each with a poll thread and a network thread) a worker runs. */
    public static final int MAX_LANES = 256;

    public static final Setting<String> WORKER_ID = new Setting<>("TRAINYARD_WORKER_ID", "string", "",
            "This worker's name in run records and Kafka client ids (default: host-pid).",
            text -> text.isBlank() ? defaultWorkerId() : text.trim());
    public static final Setting<Integer> SLOTS = Setting.integer("TRAINYARD_WORKER_SLOTS", 4, 1, 10_000,
            "Runs this worker executes at once, whatever their topic; it never runs more, and offers every free slot to every topic it consumes.");
    public static final Setting<Integer> BATCH = Setting.integer("TRAINYARD_WORKER_BATCH", 1, 1, 10_000,
            "Job records one share consumer (a lane) takes per poll; the worker runs ceil(slots / batch) lanes per topic, "
                    + "at most " + WorkerSettings.MAX_LANES + ". A lane takes new records only once all of its batch "
                    + "ended, so 1 suits long scripts; short jobs (NOOP, quick scripts) go fastest with a few hundred.");
    public static final Setting<List<String>> TOPICS = new Setting<>("TRAINYARD_WORKER_TOPICS", "list",
            "trainyard.jobs.script,trainyard.jobs.training",
            "Comma-separated job topics this worker consumes (share group trainyard-workers); each of Trainyard's "
                    + "own jobs topics brings its high and low priority topics (<topic>.high, <topic>.low).",
            WorkerSettings::topicList);
    public static final Setting<Integer> LOW_PRIORITY_SHARE = Setting.integer("TRAINYARD_WORKER_LOW_PRIORITY_SHARE", 4,
            1, 1_000, "While jobs of several priorities wait, at least one in this many of the worker's fetches goes "
                    + "to a waiting lower priority, so low jobs are never starved; 1 gives priorities no precedence.");
    public static final Setting<Integer> HIGH_PRIORITY_SLOTS = Setting.integer("TRAINYARD_WORKER_HIGH_PRIORITY_SLOTS", 0,
            0, 1_000_000, "Slots beyond TRAINYARD_WORKER_SLOTS that only high-priority jobs take: lanes of this "
                    + "capacity in all (up to 4 per topic) keep a fetch open on the high topics, so a high job starts as fast as on an idle queue "
                    + "however many lower jobs fill the other slots; 0 for none (a high job then takes the next slot "
                    + "that frees).");
    public static final Setting<SandboxMode> SANDBOX = new Setting<>("TRAINYARD_SANDBOX", "bwrap or none", "bwrap",
            "bwrap runs scripts in bubblewrap (no network, read-only system, private /tmp); none runs python "
                    + "directly (still with resource limits). With bwrap absent the worker refuses to start.",
            SandboxMode::parse);
    public static final Setting<String> PYTHON = Setting.string("TRAINYARD_PYTHON", "/usr/bin/python3",
            "The Python interpreter scripts run with.");
    public static final Setting<Integer> DEFAULT_TIMEOUT_SECONDS = Setting.integer(
            "TRAINYARD_DEFAULT_TIMEOUT_SECONDS", 300, 1, 7 * 24 * 3600,
            "Wall-clock limit of a run whose job names none.");
    public static final Setting<Integer> MAX_TIMEOUT_SECONDS = Setting.integer(
            "TRAINYARD_MAX_TIMEOUT_SECONDS", 3600, 1, 7 * 24 * 3600,
            "Upper bound of any job's wall-clock limit; larger requests are capped.");
    public static final Setting<Integer> MAX_OUTPUT_BYTES = Setting.integer("TRAINYARD_MAX_OUTPUT_BYTES",
            1 << 20, 1024, 64 << 20,
            "Bytes of stdout and of stderr kept per run; the rest is dropped behind a truncation marker.");
    public static final Setting<Integer> MEMORY_MB = Setting.integer("TRAINYARD_SANDBOX_MEMORY_MB", 4096, 64,
            1 << 20, "Address-space limit of a run's processes, in MiB.");
    public static final Setting<Integer> MAX_PROCESSES = Setting.integer("TRAINYARD_SANDBOX_MAX_PROCESSES", 64,
            1, 100_000, "Processes and threads a run may create. Enforced when the worker runs as root: each "
                    + "run then gets a user id of its own (setpriv), which RLIMIT_NPROC needs.");
    public static final Setting<Integer> WARM_SCRIPT_SANDBOXES = Setting.integer("TRAINYARD_WARM_SCRIPT_SANDBOXES", 2, 0,
            64, "Sandboxes with a Python interpreter started (bwrap only) waiting for a script job, so that it starts "
                    + "without the sandbox's and interpreter's start-up; each serves one job and dies. 0 starts every script cold.");
    public static final Setting<Integer> WARM_TRAINER_SANDBOXES = Setting.integer("TRAINYARD_WARM_TRAINER_SANDBOXES", 1,
            0, 64, "Sandboxes waiting for a training job with the trainer's imports (pandas, scikit-learn) done, "
                    + "when the worker consumes the training topic; each serves one job and dies. 0 starts every training cold.");
    public static final Setting<Integer> WARM_MEMORY_MB = Setting.integer("TRAINYARD_WARM_SANDBOX_MEMORY_MB", 512, 16,
            1 << 20, "Most resident memory, in MiB, the waiting sandboxes hold together (measured: one for scripts about "
                    + "13 MiB, one for training about 140 MiB); the pool starts no sandbox that would exceed it.");
    public static final Setting<Long> LEASE_MS = Setting.millis("TRAINYARD_LEASE_MS", 30_000, 15_000, 60_000,
            "Acquisition lock of a job record and lease of a run in Redis; both are renewed while it runs.");
    public static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("TRAINYARD_MAX_ATTEMPTS", 3, 1, 8,
            "Starts of a run before a retryable failure (or a worker dying while it runs) ends it FAILED with a dead letter; waiting in the queue or a Redis outage spends none.");
    public static final Setting<Long> RETRY_BACKOFF_MS = Setting.millis("TRAINYARD_RETRY_BACKOFF_MS", 1_000, 0,
            60_000, "First retry delay; doubled per attempt (with jitter), at most 30 s.");
    public static final Setting<Long> SHUTDOWN_GRACE_MS = Setting.millis("TRAINYARD_SHUTDOWN_GRACE_MS", 30_000,
            0, 600_000, "On SIGTERM, how long running runs may finish before they are stopped, marked QUEUED and released to other workers (the hand-back then takes up to 15 s more).");
    public static final Setting<Integer> OPS_PORT = Setting.integer("TRAINYARD_OPS_PORT", 9101, 0, 65_535,
            "Port of /metrics, /health/live and /health/ready; 0 picks a free one.");

    public static final List<Setting<?>> ALL = List.of(
            CommonSettings.KAFKA_BOOTSTRAP, CommonSettings.KAFKA_CLIENT_PROPERTIES, CommonSettings.KAFKA_JOB_PARTITIONS,
            CommonSettings.KAFKA_SCHEDULE_PARTITIONS, CommonSettings.KAFKA_REPLICATION_FACTOR,
            CommonSettings.KAFKA_MIN_INSYNC_REPLICAS, CommonSettings.REDIS_URI, CommonSettings.REDIS_TLS_CA_FILE, CommonSettings.DATA_DIR,
            CommonSettings.RUN_RETENTION_SECONDS, WORKER_ID, SLOTS, BATCH, TOPICS, LOW_PRIORITY_SHARE, HIGH_PRIORITY_SLOTS, SANDBOX, PYTHON, DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS,
            MAX_OUTPUT_BYTES, MEMORY_MB, MAX_PROCESSES, WARM_SCRIPT_SANDBOXES, WARM_TRAINER_SANDBOXES, WARM_MEMORY_MB,
            LEASE_MS, MAX_ATTEMPTS, RETRY_BACKOFF_MS,
            SHUTDOWN_GRACE_MS, OPS_PORT, CommonSettings.FLOW_CONCURRENCY_PER_KEY, CommonSettings.FLOW_RATE_PER_TENANT,
            CommonSettings.FLOW_RATE_PER_KEY);

    /** How scripts are isolated. */
    public enum SandboxMode {
        BWRAP, NONE;

        static SandboxMode parse(String text) {
            return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "bwrap" -> BWRAP;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("expected bwrap or none, got '" + text + "'");
            };
        }
    }

    private WorkerSettings() {}

    /**
     * The lanes' capacities: ceil(slots / batch) lanes of {@code batch} records, the last one
     * taking the remainder, so together they hold exactly {@code slots}.
     *
     * @throws IllegalArgumentException naming both settings when that makes more than {@link #MAX_LANES} lanes
     */
    public static int[] laneCapacities(int slots, int batch) {
        int size = Math.min(batch, slots);
        int lanes = (slots + size - 1) / size;
        if (lanes > MAX_LANES) {
            throw new IllegalArgumentException(SLOTS.env() + "=" + slots + " with " + BATCH.env() + "=" + batch + " makes "
                    + lanes + " lanes (share consumers); at most " + MAX_LANES + ": raise " + BATCH.env());
        }
        int[] capacities = new int[lanes];
        for (int i = 0; i < lanes; i++) {
            capacities[i] = Math.min(size, slots - i * size);
        }
        return capacities;
    }

    private static List<String> topicList(String text) {
        List<String> topics = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("names no topic");
        }
        for (String topic : topics) {
            if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
                throw new IllegalArgumentException("not a Kafka topic name: '" + topic + "'");
            }
        }
        return topics;
    }

    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
