package io.trainyard.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the deployment files of the repository: docker-compose.yml, the Kubernetes manifests,
 * the Prometheus configuration and the Grafana dashboard, as plain maps and lists.
 */
final class DeployFiles {
    private static final String YAML_MAPPER = "com.fasterxml.jackson.dataformat.yaml.YAMLMapper";

    final Path root;
    private final ObjectMapper yaml;

    private DeployFiles(Path root, ObjectMapper yaml) {
        this.root = root;
        this.yaml = yaml;
    }

    /** The repository root: the nearest directory above the working directory with docker-compose.yml. */
    static DeployFiles locate() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return new DeployFiles(dir, yamlMapper().orElse(null));
    }

    /** Jackson's YAML mapper, when jackson-dataformat-yaml is on the test classpath. */
    private static Optional<ObjectMapper> yamlMapper() {
        try {
            return Optional.of((ObjectMapper) Class.forName(YAML_MAPPER).getConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            return Optional.empty();
        }
    }

    boolean canReadYaml() {
        return yaml != null;
    }

    Map<String, Object> yaml(String relative) {
        return yamlDocuments(root.resolve(relative)).getFirst();
    }

    Map<String, Object> json(String relative) {
        try {
            return map(new ObjectMapper().readValue(root.resolve(relative).toFile(), Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every object in deploy/k8s/*.yaml (not its sub-directories), keyed "Kind/name". */
    Map<String, Map<String, Object>> kubernetesObjects() {
        Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(root.resolve("deploy/k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Map<String, Object> doc : yamlDocuments(file)) {
                    Map<String, Object> meta = map(doc.get("metadata"));
                    if (doc.get("kind") != null && meta.get("name") != null) {
                        objects.put(doc.get("kind") + "/" + meta.get("name"), doc);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    private List<Map<String, Object>> yamlDocuments(Path file) {
        if (yaml == null) {
            throw new IllegalStateException("jackson-dataformat-yaml is not on the test classpath");
        }
        List<Map<String, Object>> docs = new ArrayList<>();
        try (var values = yaml.readerFor(Map.class).readValues(file.toFile())) {
            while (values.hasNext()) {
                Object doc = values.next();
                if (doc != null) {
                    docs.add(map(doc));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + root.relativize(file), e);
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    /** Follows a path of keys through nested maps; absent keys give an empty map. */
    static Map<String, Object> at(Map<String, Object> from, String... keys) {
        Map<String, Object> current = from;
        for (String key : keys) {
            current = map(current.get(key));
        }
        return current;
    }
}
