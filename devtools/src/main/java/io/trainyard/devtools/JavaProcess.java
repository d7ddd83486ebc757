package io.trainyard.devtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Java main class started as a process of its own, on this JVM's Java and class path: how the
 * tests and the benchmark run a service (or a helper program) as a deployment runs it, with its
 * settings in the environment. The TRAINYARD_* variables of this process are not inherited, so
 * a service sees exactly the settings it is given.
 */
public final class JavaProcess {
    private final String mainClass;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path log;
    private boolean append;

    private JavaProcess(String mainClass) {
        this.mainClass = mainClass;
    }

    public static JavaProcess of(Class<?> mainClass) {
        return of(mainClass.getName());
    }

    public static JavaProcess of(String mainClass) {
        return new JavaProcess(mainClass);
    }

    public JavaProcess jvm(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    public JavaProcess args(String... values) {
        args.addAll(List.of(values));
        return this;
    }

    public JavaProcess env(Map<String, String> values) {
        env.putAll(values);
        return this;
    }

    public JavaProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Standard output and error go to {@code file} (replaced; appended to with {@link #appendLog}). */
    public JavaProcess log(Path file) {
        this.log = file;
        this.append = false;
        return this;
    }

    public JavaProcess appendLog(Path file) {
        this.log = file;
        this.append = true;
        return this;
    }

    /** The command line it runs. */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return command;
    }

    public Process start() {
        ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true);
        try {
            if (log != null) {
                Files.createDirectories(log.toAbsolutePath().getParent());
                builder.redirectOutput(append ? ProcessBuilder.Redirect.appendTo(log.toFile())
                        : ProcessBuilder.Redirect.to(log.toFile()));
            }
            builder.environment().keySet().removeIf(k -> k.startsWith("TRAINYARD_"));
            builder.environment().putAll(env);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainClass, e);
        }
    }
}
