package io.trainyard.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor against real child processes: {@code sleep} and {@code sh}, killed with real signals. */
class SupervisorIT {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Supervisor supervisor;

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.stop();
        }
    }

    @Test
    void aChildKilledWithSigkillIsStartedAgainAndStopLeavesNoChild() {
        supervisor = supervisor(Duration.ofMillis(100), Duration.ofSeconds(5));
        supervisor.start(List.of(service("sleeper", "sleep", "300")));
        long first = supervisor.pids().get("sleeper");

        ProcessHandle.of(first).orElseThrow().destroyForcibly();

        await().atMost(BOUND).until(() -> supervisor.pids().containsKey("sleeper"));
        long second = supervisor.pids().get("sleeper");
        assertThat(second).isNotEqualTo(first);
        assertThat(lines).containsSubsequence("sleeper exited (signal 9); restarting in 100 ms (restart 1)",
                "sleeper is running again (pid " + second + ")");

        supervisor.stop();
        assertThat(lines).contains("stopping sleeper");
        assertThat(ProcessHandle.of(second).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(sleepers()).isEmpty();
    }

    @Test
    void aRestartWaitingOutItsDelayDoesNotHappenOnceStopped() {
        supervisor = supervisor(Duration.ofMillis(500), Duration.ofSeconds(5));
        supervisor.start(List.of(service("sleeper", "sleep", "300")));
        ProcessHandle.of(supervisor.pids().get("sleeper")).orElseThrow().destroyForcibly();
        await().atMost(BOUND).until(() -> lines.contains(
                "sleeper exited (signal 9); restarting in 500 ms (restart 1)"));

        supervisor.stop();

        await().during(Duration.ofSeconds(1)).atMost(BOUND).until(() -> sleepers().isEmpty());
        assertThat(lines).noneMatch(line -> line.contains("running again"));
    }

    @Test
    void aFailingExitIsRestartedButAnExitWithStatusZeroIsNot() {
        supervisor = supervisor(Duration.ofMillis(100), Duration.ofSeconds(5));
        supervisor.start(List.of(service("failing", "sh", "-c", "sleep 0.3; exit 3"),
                service("finishing", "sh", "-c", "sleep 0.3")));

        await().atMost(BOUND).until(() -> lines.contains("failing exited (status 3); restarting in 100 ms (restart 1)")
                && lines.contains("finishing exited (status 0); not restarting it"));
        await().atMost(BOUND).until(() -> lines.contains(
                "failing exited (status 3); restarting in 200 ms (restart 2)"));
        assertThat(lines).noneMatch(line -> line.startsWith("finishing is running again"));
    }

    @Test
    void groupsStopLastFirstAndWhatIgnoresSigtermIsKilledWithItsChildren() {
        supervisor = supervisor(Duration.ofMillis(100), Duration.ofMillis(500));
        supervisor.start(List.of(service("first", "sleep", "300")));
        Path trapped = dir.resolve("trapped");
        // Ready once the trap is set: start() returns only then.
        supervisor.start(List.of(new ServiceDefinition("stubborn",
                List.of("sh", "-c", "trap '' TERM; touch '" + trapped + "'; sleep 300; true"), Map.of(),
                dir.resolve("stubborn.log"), () -> Files.exists(trapped))));

        supervisor.stop();

        assertThat(lines).containsSubsequence("stopping stubborn",
                "stubborn still runs 500 ms after SIGTERM; killing it", "stopping first");
        assertThat(sleepers()).isEmpty();
    }

    private Supervisor supervisor(Duration initialBackoff, Duration stopGrace) {
        return new Supervisor(new RestartBackoff(initialBackoff, Duration.ofSeconds(2), Duration.ofMinutes(1)),
                stopGrace, lines::add, InstantSource.system());
    }

    private ServiceDefinition service(String name, String... command) {
        return ServiceDefinition.of(name, List.of(command), Map.of(), dir.resolve(name + ".log"));
    }

    private static List<ProcessHandle> sleepers() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").endsWith("/sleep")).toList();
    }
}
