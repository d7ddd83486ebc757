package io.trainyard.common.kafka;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How every Kafka client of a service reaches the cluster: the bootstrap servers and the client
 * properties the cluster asks of it (security.protocol, sasl.*, ssl.*, ...), from the properties
 * file named by {@code TRAINYARD_KAFKA_CLIENT_PROPERTIES} and the {@code TRAINYARD_KAFKA_PROP_*}
 * variables (which win). A client's own settings (acks, idempotence, timeouts) win over both:
 * Trainyard's guarantees rest on them.
 */
public record KafkaConnection(String bootstrap, Map<String, String> properties) {
    public static final String ENV_PREFIX = "TRAINYARD_KAFKA_PROP_";
    /** Values never printed: {@link #toString} shows their keys only. */
    private static final Set<String> SECRET_WORDS = Set.of("password", "jaas", "secret", "key");

    public KafkaConnection {
        properties = Map.copyOf(properties);
    }

    public static KafkaConnection plain(String bootstrap) {
        return new KafkaConnection(bootstrap, Map.of());
    }

    public static KafkaConnection of(ConfigTable config) {
        Map<String, String> properties = new TreeMap<>();
        String file = config.get(CommonSettings.KAFKA_CLIENT_PROPERTIES);
        if (!file.isBlank()) {
            properties.putAll(read(Path.of(file)));
        }
        config.prefixed(ENV_PREFIX).forEach((name, value) ->
                properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
        return new KafkaConnection(config.get(CommonSettings.KAFKA_BOOTSTRAP), properties);
    }

    /** A client's configuration: these properties, then the client's own settings, then the bootstrap servers. */
    public Map<String, Object> config(Map<String, ?> own) {
        Map<String, Object> config = new HashMap<>(properties);
        config.putAll(own);
        config.put("bootstrap.servers", bootstrap);
        return config;
    }

    private static Map<String, String> read(Path file) {
        java.util.Properties loaded = new java.util.Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            loaded.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(CommonSettings.KAFKA_CLIENT_PROPERTIES.env() + ": cannot read " + file
                    + " (" + e.getMessage() + ")", e);
        }
        Map<String, String> out = new TreeMap<>();
        loaded.stringPropertyNames().forEach(name -> out.put(name, loaded.getProperty(name)));
        return out;
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k, SECRET_WORDS.stream().anyMatch(k::contains) ? "(hidden)" : v));
        return "KafkaConnection[" + bootstrap + " " + shown + "]";
    }
}
