package io.trainyard.common.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A service's configuration, read once at start-up from environment variables (or any map, in
 * tests) against its table of {@link Setting}s. Every value is validated up front; the error
 * names the bad key.
 */
public final class ConfigTable {
    private final List<Setting<?>> settings;
    private final Map<String, Object> values = new HashMap<>();
    /** The source's TRAINYARD_* entries as given, for families of keys no table lists one by one. */
    private final Map<String, String> raw = new TreeMap<>();

    private ConfigTable(List<Setting<?>> settings) {
        this.settings = List.copyOf(settings);
    }

    public static ConfigTable load(List<Setting<?>> settings, Map<String, String> source) {
        ConfigTable table = new ConfigTable(settings);
        StringJoiner problems = new StringJoiner("; ");
        source.forEach((key, value) -> {
            if (key.startsWith("TRAINYARD_")) {
                table.raw.put(key, value);
            }
        });
        for (Setting<?> setting : settings) {
            String raw = source.getOrDefault(setting.env(), setting.defaultValue());
            if (raw == null) {
                problems.add(setting.env() + " is required (" + setting.doc() + ")");
                continue;
            }
            try {
                table.values.put(setting.env(), setting.parser().apply(raw));
            } catch (IllegalArgumentException e) {
                problems.add(setting.env() + ": " + e.getMessage());
            }
        }
        if (problems.length() > 0) {
            throw new IllegalArgumentException("bad configuration: " + problems);
        }
        return table;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (!values.containsKey(setting.env())) {
            throw new IllegalArgumentException(setting.env() + " is not part of this service's configuration");
        }
        return (T) values.get(setting.env());
    }

    /**
     * The source's entries whose names start with {@code prefix} (which starts with TRAINYARD_), the
     * prefix cut off: a family of keys such as TRAINYARD_KAFKA_PROP_*.
     */
    public Map<String, String> prefixed(String prefix) {
        Map<String, String> out = new TreeMap<>();
        raw.forEach((key, value) -> {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                out.put(key.substring(prefix.length()), value);
            }
        });
        return out;
    }

    /** The table as Markdown rows, for the README. */
    public static String markdown(List<Setting<?>> settings) {
        StringBuilder out = new StringBuilder("| variable | type | default | meaning |\n| --- | --- | --- | --- |\n");
        for (Setting<?> s : settings) {
            out.append("| `").append(s.env()).append("` | ").append(s.type()).append(" | ")
                    .append(s.defaultValue() == null ? "(required)" : "`" + s.defaultValue() + "`")
                    .append(" | ").append(s.doc()).append(" |\n");
        }
        return out.toString();
    }
}
