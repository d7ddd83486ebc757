package io.trainyard.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module graph, checked against the compiled main classes of every module: contracts
 * ({@code common}) ← services ({@code ingress}, {@code worker}, {@code scheduler}) ← system tests
 * and the benchmark. A service never imports another service; {@code common} imports no service;
 * no main class imports the local launchers ({@code devtools}), which exist for tests and
 * {@code ./trainyard up} only; and no HTTP dialect imports another (what they share is the
 * ingress's {@code internal.catalog}).
 *
 * <p>Each service exports its top package ({@code io.trainyard.ingress}, {@code .worker},
 * {@code .scheduler}): the service, its settings and entry points, and what tests of other modules
 * drive or observe it with. Everything else lives under its {@code internal} package, whose public
 * types are public only for the service's own packages: no class of another module, main or test,
 * may use them.
 */
class ArchitectureTest {
    private static final String COMMON = "io.trainyard.common..";
    private static final String INGRESS = "io.trainyard.ingress..";
    private static final String WORKER = "io.trainyard.worker..";
    private static final String SCHEDULER = "io.trainyard.scheduler..";
    private static final String DEVTOOLS = "io.trainyard.devtools..";
    private static final String[] SERVICES = {"ingress", "worker", "scheduler"};

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // test jars (fixtures)
                .importPackages("io.trainyard");
    }

    @Test
    void everyModuleIsImported() {
        // A rule over an empty set passes; make sure each module's classes were found.
        for (String root : new String[] {COMMON, INGRESS, WORKER, SCHEDULER, DEVTOOLS}) {
            String prefix = root.substring(0, root.length() - 2);
            assertThat(main.stream().anyMatch(c -> c.getPackageName().startsWith(prefix)))
                    .as("classes of %s on the class path", prefix).isTrue();
        }
    }

    @Test
    void commonImportsNoService() {
        check(noClasses().that().resideInAPackage(COMMON)
                .should().dependOnClassesThat().resideInAnyPackage(INGRESS, WORKER, SCHEDULER, DEVTOOLS)
                .because("common holds the contracts every service shares"));
    }

    @Test
    void theIngressImportsNoOtherService() {
        check(noClasses().that().resideInAPackage(INGRESS)
                .should().dependOnClassesThat().resideInAnyPackage(WORKER, SCHEDULER, DEVTOOLS));
    }

    @Test
    void theWorkerImportsNoOtherService() {
        check(noClasses().that().resideInAPackage(WORKER)
                .should().dependOnClassesThat().resideInAnyPackage(INGRESS, SCHEDULER, DEVTOOLS));
    }

    @Test
    void theSchedulerImportsNoOtherService() {
        check(noClasses().that().resideInAPackage(SCHEDULER)
                .should().dependOnClassesThat().resideInAnyPackage(INGRESS, WORKER, DEVTOOLS));
    }

    @Test
    void noDialectImportsAnother() {
        String[] dialects = {"io.trainyard.ingress.internal.mlw..", "io.trainyard.ingress.internal.chorus..", "io.trainyard.ingress.internal.maiascore.."};
        for (String dialect : dialects) {
            String[] siblings = java.util.Arrays.stream(dialects).filter(d -> !d.equals(dialect)).toArray(String[]::new);
            check(noClasses().that().resideInAPackage(dialect)
                    .should().dependOnClassesThat().resideInAnyPackage(siblings)
                    .because("what the dialects share lives in io.trainyard.ingress.internal.catalog"));
        }
        check(noClasses().that().resideInAPackage("io.trainyard.ingress.internal.catalog..")
                .should().dependOnClassesThat().resideInAnyPackage(dialects));
    }

    @Test
    void theLaunchersImportNoTrainyardCode() {
        check(noClasses().that().resideInAPackage(DEVTOOLS)
                .should().dependOnClassesThat().resideInAnyPackage(COMMON, INGRESS, WORKER, SCHEDULER)
                .because("test fixtures of every module, common's included, start processes through them"));
    }

    @Test
    void noMainClassUsesAnotherModulesInternals() {
        for (String service : SERVICES) {
            check(noClasses().that().resideOutsideOfPackage("io.trainyard." + service + "..")
                    .should().dependOnClassesThat().resideInAPackage("io.trainyard." + service + ".internal..")
                    .because("a module's internal packages are public only for the module's own packages"));
        }
    }

    /**
     * The same for test code, read from the sources of every module (the benchmark's classes are
     * compiled after these tests run): a test of another module, or one of the system tests, may
     * use only what a service exports, outside its {@code internal} packages.
     */
    @Test
    void noOtherModulesTestUsesAServicesInternals() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(root.resolve("pom.xml")).as("the repository root above the system tests").exists();
        List<String> offences = new ArrayList<>();
        int read = 0;
        for (Map.Entry<String, String> module : Map.of("ingress", "api-ingress", "worker", "worker",
                "scheduler", "scheduler").entrySet()) {
            String internal = "io.trainyard." + module.getKey() + ".internal.";
            try (Stream<Path> sources = Files.walk(root)) {
                for (Path source : sources.filter(p -> p.toString().endsWith(".java"))
                        .filter(p -> !p.startsWith(root.resolve(module.getValue())))
                        .filter(p -> !p.toString().contains("/target/"))
                        .filter(p -> !p.getFileName().toString().equals("ArchitectureTest.java")).toList()) {
                    read++;
                    if (Files.readString(source).contains(internal)) {
                        offences.add(root.relativize(source) + " uses " + internal + "*");
                    }
                }
            }
        }
        assertThat(read).as("source files read").isGreaterThan(300);
        assertThat(offences).isEmpty();
    }

    private static void check(ArchRule rule) {
        rule.check(main);
    }
}
