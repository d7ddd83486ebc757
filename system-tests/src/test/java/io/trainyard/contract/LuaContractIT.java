package io.trainyard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.job.RunRecord;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.pipeline.PipelineStatus;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.testing.RealRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * The Lua scripts of every module against the Java side of the run contract: the field names
 * they use are {@link RunRecord}'s (or named below as not a run's), the statuses they spell are
 * {@link RunStatus}'s, none spells the set of ended statuses by hand, and each loads in a real
 * redis-server once its placeholders are filled.
 */
@ExtendWith(RealRedis.class)
class LuaContractIT {
    /** Lower-case literals in the scripts that are not fields of a run, and what they are. */
    private static final Map<String, String> NOT_RUN_FIELDS = Map.ofEntries(
            Map.entry("name", "a project's or the name index's field"),
            Map.entry("lastModelVersion", "a resource's field"),
            Map.entry("modelVersion", "a resource's field"),
            Map.entry("stdout", "a run's output hash"),
            Map.entry("stderr", "a run's output hash"),
            Map.entry("lastFireAt", "a task's field"),
            Map.entry("lastSkippedFire", "a task's field"),
            Map.entry("skippedFires", "a task's field"),
            Map.entry("skipped", "the value of a fire's claim"),
            Map.entry("paused", "the value of a fire's claim"),
            Map.entry("pausedAt", "a task's field"),
            Map.entry("pausedFires", "a task's field"),
            Map.entry("recurrence", "a task's field"),
            Map.entry("pause", "an argument of schedule_pause.lua"),
            Map.entry("inflight", "a key suffix"),
            Map.entry("run:", "a key prefix"),
            Map.entry("table", "a Lua type name"),
            Map.entry("s:", "a pipeline's field prefix: a step's state"),
            Map.entry("p:", "a pipeline's field prefix: a step's count of unfinished parents"),
            Map.entry("c:", "a pipeline's field prefix: a step's children"),
            Map.entry("r:", "a pipeline's field prefix: a step's run"),
            Map.entry("t:", "a pipeline's field prefix: a step's jobs topic"),
            Map.entry("j:", "a pipeline's field prefix: a step's job message"),
            Map.entry("k:", "a pipeline's field prefix: a step's task"),
            Map.entry("steps", "a pipeline's field"),
            Map.entry("open", "a pipeline's field"),
            Map.entry("failed", "a pipeline's field"),
            Map.entry("failurePolicy", "a pipeline's field"),
            Map.entry("endedAt", "a pipeline's field"),
            Map.entry("cancel", "an argument of pipeline_step_end.lua"),
            Map.entry("continue", "a failure policy"),
            Map.entry("createdAt", "a job message's field"),
            Map.entry("task:", "a key prefix"),
            Map.entry("resource:", "a key prefix"),
            Map.entry("admit", "a command of flow.lua"),
            Map.entry("probe", "a command of flow.lua"),
            Map.entry("release", "a command of flow.lua"),
            Map.entry("resume", "a command of flow.lua"),
            Map.entry("due", "a command of flow.lua"),
            Map.entry("runId", "a job message's field"),
            Map.entry("flow:granted", "a flow-control key suffix"),
            Map.entry("flow:keys", "a flow-control key suffix"),
            Map.entry("flow:policy", "a flow-control key suffix"),
            Map.entry("flow:paced", "a flow-control key suffix"),
            Map.entry("limit:", "a flow-control policy field prefix"),
            Map.entry("paused:", "a flow-control policy field prefix"),
            Map.entry("rate:", "a flow-control policy field prefix"));

    private static final Pattern LOWER_LITERAL = Pattern.compile("'([a-z][A-Za-z_:]*)'");
    private static final Pattern STATUS_LITERAL =
            Pattern.compile("(?:'status',\\s*|status\\s*[=~]=\\s*)'([A-Z][A-Z_]+)'");

    private static List<Path> scripts;

    @BeforeAll
    static void findScripts() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("docker-compose.yml"))) {
            root = root.getParent();
        }
        scripts = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.toList()) {
                Path lua = module.resolve("src/main/resources/trainyard/lua");
                if (Files.isDirectory(lua)) {
                    try (Stream<Path> files = Files.list(lua)) {
                        files.filter(f -> f.toString().endsWith(".lua")).forEach(scripts::add);
                    }
                }
            }
        }
        assertThat(scripts).as("Lua scripts found under */src/main/resources/trainyard/lua").hasSizeGreaterThan(10);
    }

    @Test
    void everyFieldAScriptNamesIsARunFieldOrNamedAsSomethingElse() throws IOException {
        Set<String> unknown = new TreeSet<>();
        for (Path script : scripts) {
            Matcher m = LOWER_LITERAL.matcher(code(script));
            while (m.find()) {
                String literal = m.group(1);
                if (!RunRecord.FIELDS.contains(literal) && !NOT_RUN_FIELDS.containsKey(literal)) {
                    unknown.add(script.getFileName() + ": '" + literal + "'");
                }
            }
        }
        assertThat(unknown).as("literals in Lua that RunRecord does not name").isEmpty();
    }

    @Test
    void everyStatusAScriptSpellsIsARunStatus() throws IOException {
        Set<String> statuses = new TreeSet<>(Arrays.stream(RunStatus.values()).map(Enum::name).toList());
        Set<String> spelled = new TreeSet<>();
        for (Path script : scripts) {
            if (script.getFileName().toString().startsWith("pipeline_")) {
                continue; // a pipeline's status and its runs': everyPipelineScriptSpellsRunOrPipelineStatuses
            }
            Matcher m = STATUS_LITERAL.matcher(code(script));
            while (m.find()) {
                spelled.add(m.group(1));
            }
        }
        assertThat(spelled).as("statuses spelled in Lua").isNotEmpty();
        assertThat(statuses).containsAll(spelled);
    }

    @Test
    void everyPipelineScriptSpellsRunOrPipelineStatuses() throws IOException {
        Set<String> statuses = new TreeSet<>(Arrays.stream(RunStatus.values()).map(Enum::name).toList());
        Arrays.stream(PipelineStatus.values()).map(Enum::name).forEach(statuses::add);
        for (Path script : scripts) {
            if (!script.getFileName().toString().startsWith("pipeline_")) {
                continue;
            }
            Matcher m = STATUS_LITERAL.matcher(code(script));
            while (m.find()) {
                assertThat(statuses).as(script.getFileName().toString()).contains(m.group(1));
            }
        }
    }

    @Test
    void noScriptSpellsTheEndedStatusesByHand() throws IOException {
        for (Path script : scripts) {
            String code = code(script);
            for (RunStatus status : RunStatus.values()) {
                if (status.isTerminal()) {
                    assertThat(code).as(script.getFileName() + " (use " + LuaScript.ENDED_PLACEHOLDER + ")")
                            .doesNotContainPattern(status.name() + "\\s*=\\s*true");
                }
            }
        }
    }

    @Test
    void everyScriptLoadsOnceItsPlaceholdersAreFilled() {
        try (JedisPooled redis = RealRedis.client()) {
            for (Path script : scripts) {
                String name = script.getFileName().toString().replace(".lua", "");
                LuaScript loaded = LuaScript.load(name);
                assertThat(loaded.source()).doesNotContain(LuaScript.ENDED_PLACEHOLDER);
                assertThat(loaded.loadInto(redis)).as(name + ": loads, and Redis names it by the SHA1 computed here")
                        .isEqualTo(loaded.sha(redis));
            }
        }
    }

    /** The script without its comments. */
    private static String code(Path script) throws IOException {
        StringBuilder code = new StringBuilder();
        for (String line : Files.readAllLines(script)) {
            int comment = line.indexOf("--");
            code.append(comment < 0 ? line : line.substring(0, comment)).append('\n');
        }
        return code.toString();
    }
}
