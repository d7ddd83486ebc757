package io.trainyard.deploy;

import io.trainyard.common.config.Setting;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A service's configuration table ({@code *Settings.ALL}), loaded from the module's classes. */
final class ServiceSettings {
    private ServiceSettings() {}

    /**
     * From the test classpath when the module is on it, else from {@code <module>/target/classes}
     * (built earlier in the same reactor run); empty when neither has it.
     */
    @SuppressWarnings("unchecked")
    static Optional<List<Setting<?>>> load(Path root, String module, String className) {
        ClassLoader parent = ServiceSettings.class.getClassLoader();
        try {
            return Optional.of((List<Setting<?>>) Class.forName(className, true, parent).getField("ALL").get(null));
        } catch (ClassNotFoundException e) {
            Path classes = root.resolve(module).resolve("target/classes");
            if (!Files.isDirectory(classes)) {
                return Optional.empty();
            }
            // Left open: the settings' parsers load more of the module's classes when they run.
            try {
                URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, parent);
                return Optional.of((List<Setting<?>>) Class.forName(className, true, loader).getField("ALL").get(null));
            } catch (MalformedURLException | ReflectiveOperationException ex) {
                throw new IllegalStateException("cannot read " + className + ".ALL", ex);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + className + ".ALL", e);
        }
    }
}
