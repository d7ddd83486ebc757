package io.trainyard.devtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the local cluster's processes running. {@link #start} starts a group of processes and
 * waits until each is ready. When one crashes afterwards (a non-zero exit status, or a signal) it
 * is started again after the {@link RestartBackoff} delay, and a line says so. A process that
 * exits 0 ended on purpose (a worker sent SIGTERM hands back its runs and exits 0): it stays down.
 *
 * <p>{@link #stop} stops everything, the group started last first: SIGTERM to the whole group,
 * SIGKILL to whatever still runs after the grace period, then the next group. Once stop has begun
 * nothing is started again, not even a restart whose delay is already running.
 */
final class Supervisor {
    private static final Duration READY_WITHIN = Duration.ofMinutes(2);
    private static final Duration KILLED_WITHIN = Duration.ofSeconds(10);

    private final RestartBackoff backoff;
    private final Duration stopGrace;
    private final Consumer<String> say;
    private final InstantSource clock;
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("restarts").daemon().factory());
    private final List<List<Supervised>> groups = new ArrayList<>(); // guarded by this
    private boolean stopping; // guarded by this

    /** {@code say} gets one line per restart and stop; {@code stopGrace} is the wait between SIGTERM and SIGKILL. */
    public Supervisor(RestartBackoff backoff, Duration stopGrace, Consumer<String> say, InstantSource clock) {
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
        this.say = Objects.requireNonNull(say, "say");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Starts the group's processes, then waits until each is ready; the group stops as one. Fails
     * if a process cannot start, or exits or is not ready in time; does nothing once stopping.
     */
    public void start(List<ServiceDefinition> group) {
        List<Supervised> members = new ArrayList<>();
        synchronized (this) {
            if (stopping) {
                return;
            }
            groups.add(members);
            for (ServiceDefinition definition : group) {
                Supervised service = new Supervised(definition);
                members.add(service);
                launch(service);
            }
        }
        for (Supervised service : members) {
            awaitReady(service);
        }
    }

    /** Stops every process, the last group first, and returns once none is left. */
    public void stop() {
        List<List<Supervised>> toStop;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            toStop = List.copyOf(groups.reversed());
        }
        // From here on no process field changes, so stopGroup reads them without the lock.
        restarts.shutdownNow();
        for (List<Supervised> group : toStop) {
            stopGroup(group);
        }
    }

    /** The pid of each process that is running now, by service name. */
    public synchronized Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (List<Supervised> group : groups) {
            for (Supervised service : group) {
                if (service.process != null && service.process.isAlive()) {
                    pids.put(service.name(), service.process.pid());
                }
            }
        }
        return pids;
    }

    private void launch(Supervised service) { // holding the lock
        ServiceDefinition definition = service.definition;
        ProcessBuilder builder = new ProcessBuilder(definition.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(definition.log().toFile()));
        builder.environment().putAll(definition.environment());
        Process process;
        try {
            Files.createDirectories(definition.log().getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service.name() + ": " + e.getMessage(), e);
        }
        service.process = process;
        service.startedAt = clock.instant();
        // Async, so that the handler never runs inside launch, which holds the lock.
        process.onExit().thenAcceptAsync(exited -> exited(service, exited));
    }

    private void awaitReady(Supervised service) {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (true) {
            boolean ready = service.definition.ready().getAsBoolean();
            synchronized (this) {
                if (stopping) {
                    return;
                }
                // Alive as well: a port that answers may belong to another server while this one exits.
                Process first = service.process;
                if (!first.isAlive()) {
                    throw new IllegalStateException(service.name() + " exited (" + describe(first.exitValue())
                            + ") before it was ready; see " + service.definition.log());
                }
                if (ready) {
                    service.ready = true;
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(service.name() + " was not ready within " + READY_WITHIN.toSeconds()
                        + " s; see " + service.definition.log());
            }
            pause();
        }
    }

    private synchronized void exited(Supervised service, Process exited) {
        if (stopping || exited != service.process || !service.ready) {
            return; // stop() ends it, or start() reports it
        }
        int status = exited.exitValue();
        if (status == 0) {
            say.accept(service.name() + " exited (status 0); not restarting it");
            return;
        }
        Duration upFor = Duration.between(service.startedAt, clock.instant());
        service.crashesInARow = backoff.crashesInARow(service.crashesInARow, upFor);
        scheduleRestart(service, "exited (" + describe(status) + ")");
    }

    private void scheduleRestart(Supervised service, String what) { // holding the lock, not stopping
        service.restarts++;
        Duration delay = backoff.delay(service.crashesInARow);
        say.accept(service.name() + " " + what + "; restarting in " + format(delay)
                + " (restart " + service.restarts + ")");
        restarts.schedule(() -> restart(service), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restart(Supervised service) {
        if (stopping) {
            return;
        }
        try {
            launch(service);
            say.accept(service.name() + " is running again (pid " + service.process.pid() + ")");
        } catch (UncheckedIOException e) {
            service.crashesInARow++;
            scheduleRestart(service, "did not start (" + e.getMessage() + ")");
        }
    }

    private void stopGroup(List<Supervised> group) {
        List<Supervised> running = group.stream()
                .filter(service -> service.process != null && service.process.isAlive()).toList();
        if (running.isEmpty()) {
            return;
        }
        say.accept("stopping " + String.join(", ", running.stream().map(Supervised::name).toList()));
        running.forEach(service -> service.process.destroy());
        long deadline = System.nanoTime() + stopGrace.toNanos();
        for (Supervised service : running) {
            Process process = service.process;
            if (!waitFor(process, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                say.accept(service.name() + " still runs " + format(stopGrace) + " after SIGTERM; killing it");
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                waitFor(process, KILLED_WITHIN);
            }
        }
    }

    private static boolean waitFor(Process process, Duration within) {
        try {
            return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a service to be ready", e);
        }
    }

    /** Java reports a process that a signal ended as exiting with 128 + the signal's number. */
    static String describe(int status) {
        return status > 128 && status <= 128 + 64 ? "signal " + (status - 128) : "status " + status;
    }

    static String format(Duration delay) {
        return delay.toMillis() % 1000 == 0 ? delay.toSeconds() + " s" : delay.toMillis() + " ms";
    }

    /** One service and its current process; every field is guarded by the supervisor's lock. */
    private static final class Supervised {
        final ServiceDefinition definition;
        Process process;
        Instant startedAt;
        boolean ready;
        int crashesInARow;
        int restarts;

        Supervised(ServiceDefinition definition) {
            this.definition = definition;
        }

        String name() {
            return definition.name();
        }
    }
}
