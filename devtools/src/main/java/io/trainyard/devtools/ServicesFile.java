package io.trainyard.devtools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file in which {@code ./trainyard up} lists the services {@link LocalCluster} runs after
 * Kafka and Redis. One process a line, its fields separated by tabs: its group, its name, any
 * {@code NAME=value} environment, then the command. A group's processes start together and stop
 * together; groups start in the order they first appear and stop in the reverse one. Empty lines
 * and lines starting with {@code #} are skipped. A process's output goes to {@code <logs>/<name>.log}.
 */
final class ServicesFile {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern ENVIRONMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)");

    private ServicesFile() {}

    /** The groups in start order; fails naming the line that is not a service. */
    public static List<List<ServiceDefinition>> read(Path file, Path logs) throws IOException {
        Map<String, List<ServiceDefinition>> groups = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            String[] fields = line.split("\t");
            if (fields.length < 3 || fields[0].isBlank()) {
                throw new IllegalArgumentException(where + ": expected a group, a name and a command, tab-separated");
            }
            String name = fields[1];
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        where + ": '" + name + "' is not a service name (letters, digits, . _ -)");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + ": a second service named " + name);
            }
            Map<String, String> environment = new LinkedHashMap<>();
            int command = 2;
            while (command < fields.length) {
                Matcher variable = ENVIRONMENT.matcher(fields[command]);
                if (!variable.matches()) {
                    break;
                }
                environment.put(variable.group(1), variable.group(2));
                command++;
            }
            if (command == fields.length) {
                throw new IllegalArgumentException(where + ": service " + name + " has no command");
            }
            groups.computeIfAbsent(fields[0], group -> new ArrayList<>()).add(ServiceDefinition.of(name,
                    List.of(fields).subList(command, fields.length), environment, logs.resolve(name + ".log")));
        }
        return List.copyOf(groups.values());
    }
}
