package io.trainyard.worker;

import io.trainyard.common.job.JobMessage;
import io.trainyard.worker.RunLedger;
import io.trainyard.worker.internal.run.RunControl;
import io.trainyard.worker.internal.run.RunEnvironment;
import io.trainyard.worker.internal.run.StopReason;
import io.trainyard.worker.internal.sandbox.SandboxLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** One attempt at a run, as a {@link JobKind} sees it. */
public final class RunContext implements AutoCloseable {
    private final JobMessage job;
    private final int attempt;
    private final long epoch;
    private final RunControl control;
    private final RunLedger ledger;
    private final RunEnvironment environment;
    private final long timeoutSeconds;
    private Path workDir;

    public RunContext(JobMessage job, int attempt, long epoch, RunControl control, RunLedger ledger,
               RunEnvironment environment, long timeoutSeconds) {
        this.job = job;
        this.attempt = attempt;
        this.epoch = epoch;
        this.control = control;
        this.ledger = ledger;
        this.environment = environment;
        this.timeoutSeconds = timeoutSeconds;
    }

    public JobMessage job() {
        return job;
    }

    public int attempt() {
        return attempt;
    }

    public long epoch() {
        return epoch;
    }

    public RunControl control() {
        return control;
    }

    public RunEnvironment environment() {
        return environment;
    }

    /** The effective wall-clock limit in seconds (the job's, else the default, capped at the maximum). */
    public long timeoutSeconds() {
        return timeoutSeconds;
    }

    public SandboxLimits limits() {
        return environment.limits().withWallClock(Duration.ofSeconds(timeoutSeconds));
    }

    /**
     * Writes progress fields on the run (e.g. {@code progress}, {@code listOfModelAccuracy});
     * false when this attempt no longer holds the run, in which case it should stop.
     */
    public boolean progress(Map<String, String> fields) {
        boolean held = ledger.update(job.tenant(), job.runId(), epoch, fields);
        if (!held) {
            control.stop(StopReason.LEASE_LOST);
        }
        return held;
    }

    /**
     * Writes fields that are there for people to look at (the process id), if Redis takes them:
     * a Redis outage must not fail the run, which goes on; false only when this attempt no longer
     * holds the run.
     */
    public boolean progressIfReachable(Map<String, String> fields) {
        try {
            return progress(fields);
        } catch (JedisDataException e) {
            throw e;
        } catch (JedisException e) {
            return true;
        }
    }

    /**
     * Runs {@code call} (a read or write of Redis the run needs), again every second while Redis
     * cannot be reached, so that an outage does not turn into a failed attempt; gives up (the
     * error propagates) once the run is asked to stop.
     */
    public <T> T whenRedisAnswers(Supplier<T> call) {
        while (true) {
            try {
                return call.get();
            } catch (JedisDataException e) {
                throw e;
            } catch (JedisException e) {
                if (control.stopped()) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    /** The attempt's private directory (created on first use, deleted when the attempt ends). */
    public Path workDir() {
        if (workDir == null) {
            try {
                Files.createDirectories(environment.workRoot());
                workDir = Files.createTempDirectory(environment.workRoot(), "run-" + job.runId() + "-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a run directory under " + environment.workRoot(), e);
            }
        }
        return workDir;
    }

    @Override
    public void close() {
        if (workDir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(workDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: a leftover directory is removed with the worker's temp root.
        }
    }
}
