package io.trainyard.common.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version a service runs: from the pom.properties Maven writes into its jar, "dev" when run from classes. */
public final class BuildVersion {
    private BuildVersion() {}

    /** {@code artifactId}: e.g. trainyard-worker; {@code anchor}: a class of that artifact. */
    public static String of(Class<?> anchor, String artifactId) {
        String path = "/META-INF/maven/io.trainyard/" + artifactId + "/pom.properties";
        try (InputStream in = anchor.getResourceAsStream(path)) {
            if (in == null) {
                return "dev";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
