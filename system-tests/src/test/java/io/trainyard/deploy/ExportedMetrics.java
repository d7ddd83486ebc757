package io.trainyard.deploy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus names the services export, collected from their sources: every meter built
 * with a Micrometer builder ({@code Counter.builder("trainyard.worker.runs.started")...}) is
 * registered again, with the same type, base unit and histogram choice, in a fresh Prometheus
 * registry, and every no-argument binder bound with {@code new XMetrics().bindTo(...)} is bound
 * to it; the names are read back from its scrape. Names built from other names at run time
 * (Kafka client metrics) are covered by prefix.
 */
final class ExportedMetrics {
    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|FunctionCounter|Timer|FunctionTimer|LongTaskTimer|Gauge|TimeGauge|DistributionSummary)"
                    + "\\.builder\\(\\s*(\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_.]*)");
    private static final Pattern CONSTANT = Pattern.compile(
            "static\\s+final\\s+String\\s+([A-Z_][A-Z0-9_]*)\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern BINDER = Pattern.compile("new\\s+(\\w+)\\(\\s*\\)\\s*\\.bindTo\\(");
    private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"([^\"]+)\"");

    private final Set<String> names;
    private final Set<String> prefixes;

    private ExportedMetrics(Set<String> names, Set<String> prefixes) {
        this.names = names;
        this.prefixes = prefixes;
    }

    /** Scans {@code src/main/java} of each module under {@code root}. */
    static ExportedMetrics scan(Path root, String... modules) {
        Map<Path, String> sources = new HashMap<>();
        for (String module : modules) {
            Path dir = root.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> sources.put(f, read(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, String> constants = new HashMap<>();
        sources.values().forEach(text -> {
            Matcher m = CONSTANT.matcher(text);
            while (m.find()) {
                constants.put(m.group(1), m.group(2));
            }
        });

        Set<String> prefixes = new TreeSet<>();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            Set<String> registered = new TreeSet<>();
            for (String text : sources.values()) {
                Matcher m = BUILDER.matcher(text);
                while (m.find()) {
                    String name = meterName(m.group(2), constants);
                    String statement = text.substring(m.end(), statementEnd(text, m.end()));
                    if (registered.add(name)) {
                        register(registry, m.group(1), name, statement);
                    }
                }
                Matcher b = BINDER.matcher(text);
                while (b.find()) {
                    bind(registry, b.group(1), text);
                }
                if (text.contains("KafkaClientMetrics") || text.contains("ShareConsumer")) {
                    prefixes.add("kafka_");
                }
            }
            return new ExportedMetrics(sampleNames(registry.scrape()), prefixes);
        } finally {
            registry.close();
        }
    }

    boolean exports(String metric) {
        return names.contains(metric) || prefixes.stream().anyMatch(metric::startsWith);
    }

    Set<String> names() {
        return names;
    }

    private static String meterName(String argument, Map<String, String> constants) {
        if (argument.startsWith("\"")) {
            return argument.substring(1, argument.length() - 1);
        }
        String simple = argument.substring(argument.lastIndexOf('.') + 1);
        String value = constants.get(simple);
        if (value == null) {
            throw new IllegalStateException("meter name " + argument + " is neither a literal nor a String constant");
        }
        return value;
    }

    /** The builder chain ends with register(...); a chain without one stops at the next ';'. */
    private static int statementEnd(String text, int from) {
        int register = text.indexOf(".register(", from);
        int semicolon = text.indexOf(';', from);
        return register >= 0 && (semicolon < 0 || register < semicolon) ? register : Math.max(semicolon, from);
    }

    private static void register(PrometheusMeterRegistry registry, String kind, String name, String chain) {
        Matcher unit = BASE_UNIT.matcher(chain);
        String baseUnit = unit.find() ? unit.group(1) : null;
        boolean histogram = chain.contains("publishPercentileHistogram") || chain.contains("serviceLevelObjectives");
        switch (kind) {
            case "Counter", "FunctionCounter" ->
                    Counter.builder(name).baseUnit(baseUnit).register(registry).increment();
            case "Gauge" -> Gauge.builder(name, () -> 1).baseUnit(baseUnit).register(registry);
            case "TimeGauge" -> Gauge.builder(name, () -> 1).baseUnit("seconds").register(registry);
            case "DistributionSummary" -> {
                DistributionSummary.Builder b = DistributionSummary.builder(name).baseUnit(baseUnit);
                (histogram ? b.publishPercentileHistogram() : b).register(registry).record(1);
            }
            default -> {
                Timer.Builder b = Timer.builder(name);
                (histogram ? b.publishPercentileHistogram() : b).register(registry).record(Duration.ofMillis(1));
            }
        }
    }

    /** Binds a no-argument binder that the source imports (Micrometer's JVM and system binders). */
    private static void bind(PrometheusMeterRegistry registry, String simpleName, String text) {
        Matcher imported = Pattern.compile("import\\s+([\\w.]+\\." + simpleName + ");").matcher(text);
        if (!imported.find()) {
            return;
        }
        try {
            Object binder = Class.forName(imported.group(1)).getConstructor().newInstance();
            ((MeterBinder) binder).bindTo(registry);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot bind " + imported.group(1), e);
        }
    }

    private static Set<String> sampleNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
