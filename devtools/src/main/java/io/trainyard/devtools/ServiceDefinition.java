package io.trainyard.devtools;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One process of the local cluster as a {@link Supervisor} runs it: its command, the environment
 * it gets on top of the supervisor's own, the file its output is appended to, and when it counts
 * as started ({@code ready}; a service that needs no wait answers true at once).
 */
record ServiceDefinition(String name, List<String> command, Map<String, String> environment, Path log,
                                BooleanSupplier ready) {
    public ServiceDefinition {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a service needs a name");
        }
        if (command.isEmpty()) {
            throw new IllegalArgumentException("service " + name + " has no command");
        }
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(ready, "ready");
    }

    /** A service that counts as started as soon as its process is. */
    public static ServiceDefinition of(String name, List<String> command, Map<String, String> environment, Path log) {
        return new ServiceDefinition(name, command, environment, log, () -> true);
    }
}
