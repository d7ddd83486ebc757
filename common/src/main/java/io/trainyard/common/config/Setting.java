package io.trainyard.common.config;

import java.util.function.Function;

/**
 * One configuration key: the environment variable that sets it, its type, default and meaning.
 * A service's settings form one table ({@code List<Setting<?>>}); the README's configuration
 * table is printed from the same definitions ({@link ConfigTable#markdown}).
 *
 * @param env environment variable name, e.g. {@code TRAINYARD_REDIS_URI}
 * @param type short type name for the docs (string, int, duration-ms, bool, path)
 * @param defaultValue the value when unset; null means the key is required
 * @param doc one sentence for the README
 * @param parser turns the text into a value; throws IllegalArgumentException with a reason
 */
public record Setting<T>(String env, String type, String defaultValue, String doc, Function<String, T> parser) {

    public static Setting<String> string(String env, String defaultValue, String doc) {
        return new Setting<>(env, "string", defaultValue, doc, s -> s);
    }

    public static Setting<Integer> integer(String env, int defaultValue, int min, int max, String doc) {
        return new Setting<>(env, "int", Integer.toString(defaultValue), doc, s -> {
            int value;
            try {
                value = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an integer: '" + s + "'");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " is outside " + min + ".." + max);
            }
            return value;
        });
    }

    public static Setting<Long> millis(String env, long defaultValue, long min, long max, String doc) {
        return new Setting<>(env, "ms", Long.toString(defaultValue), doc, s -> {
            long value;
            try {
                value = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number of milliseconds: '" + s + "'");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " is outside " + min + ".." + max);
            }
            return value;
        });
    }

    public static Setting<Boolean> bool(String env, boolean defaultValue, String doc) {
        return new Setting<>(env, "bool", Boolean.toString(defaultValue), doc, s -> switch (s.trim()) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException("not a boolean: '" + s + "'");
        });
    }
}
