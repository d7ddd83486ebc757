package io.trainyard.deploy;

import static io.trainyard.deploy.DeployFiles.at;
import static io.trainyard.deploy.DeployFiles.list;
import static io.trainyard.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.config.Setting;
import io.trainyard.ingress.IngressSettings;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docker-compose.yml, deploy/k8s and deploy/prometheus against the services' configuration
 * tables, and the Grafana dashboard and alert rules against the metrics the services export.
 */
class DeploymentConsistencyTest {
    /** Series Prometheus or its blackbox exporter make, not a Trainyard service. */
    private static final Set<String> SCRAPE_SERIES = Set.of("up", "probe_success");
    /** Stands in for values Kubernetes fills in from the pod (valueFrom). */
    private static final String FROM_THE_POD = "from-the-pod";

    private static DeployFiles files;

    enum Service {
        INGRESS("api-ingress", "io.trainyard.ingress.IngressSettings", "ingress", IngressSettings.HTTP_PORT.env()),
        SCHEDULER("scheduler", "io.trainyard.scheduler.SchedulerSettings", "scheduler", SchedulerSettings.OPS_PORT.env()),
        WORKER("worker", "io.trainyard.worker.WorkerSettings", "worker", WorkerSettings.OPS_PORT.env());

        final String module;
        final String settingsClass;
        final String compose;
        final String portVariable;

        Service(String module, String settingsClass, String compose, String portVariable) {
            this.module = module;
            this.settingsClass = settingsClass;
            this.compose = compose;
            this.portVariable = portVariable;
        }

        String deployment() {
            return "trainyard-" + compose;
        }
    }

    @BeforeAll
    static void locate() {
        files = DeployFiles.locate();
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void composeSetsAValidConfigurationForEachService(Service service) {
        ConfigTable config = configure(service, composeEnvironment(service.compose), "docker-compose.yml");
        int port = port(service, config);

        Map<String, Object> compose = composeService(service.compose);
        assertThat(healthcheckPort(list(at(compose, "healthcheck").get("test"))))
                .as("%s healthcheck port", service.compose).isEqualTo(port);
        if (service == Service.INGRESS) {
            assertThat(list(compose.get("ports"))).as("ingress published ports")
                    .anySatisfy(p -> assertThat(containerPort(p.toString())).isEqualTo(port));
        }
        Map<String, Object> job = scrapeJob("trainyard-" + service.compose);
        Map<String, Object> dns = map(list(job.get("dns_sd_configs")).getFirst());
        assertThat(list(dns.get("names"))).as("prometheus.yml job trainyard-%s", service.compose)
                .containsExactly(service.compose);
        assertThat(dns.get("port")).as("prometheus.yml scrape port of %s", service.compose).isEqualTo(port);
        assertThat(list(scrapeJob("trainyard-ready").get("dns_sd_configs")))
                .as("readiness probes of %s", service.compose)
                .contains(Map.of("names", List.of(service.compose), "type", "A", "port", port));
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void kubernetesSetsAValidConfigurationForEachService(Service service) {
        Map<String, Object> pod = podSpec(service.deployment());
        Map<String, Object> container = map(list(pod.get("containers")).getFirst());
        ConfigTable config = configure(service, kubernetesEnvironment(container), "deploy/k8s " + service.deployment());
        int port = port(service, config);

        Map<String, Object> containerPort = map(list(container.get("ports")).getFirst());
        assertThat(containerPort.get("containerPort")).as("%s containerPort", service.deployment()).isEqualTo(port);
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> http = at(container, probe, "httpGet");
            assertThat(http.get("port")).as("%s %s port", service.deployment(), probe)
                    .isIn(containerPort.get("name"), port);
            assertThat(http.get("path")).as("%s %s path", service.deployment(), probe)
                    .isEqualTo(probe.equals("readinessProbe") ? "/health/ready" : "/health/live");
        }
        Map<String, Object> servicePort = map(list(at(object("Service/" + service.deployment()), "spec").get("ports"))
                .getFirst());
        assertThat(servicePort.get("targetPort")).as("Service %s targetPort", service.deployment())
                .isIn(containerPort.get("name"), port);
        assertThat(at(object("Deployment/" + service.deployment()), "spec", "template", "metadata", "annotations")
                .get("prometheus.io/port")).as("%s scrape annotation", service.deployment())
                .isEqualTo(Integer.toString(port));
    }

    /** Compose runs three brokers and Kubernetes asks for three: every service puts its topics on all three. */
    @ParameterizedTest
    @EnumSource(Service.class)
    void everyServiceReplicatesItsTopicsThreeTimesWithTwoInSync(Service service) {
        Map<String, Object> container = map(list(podSpec(service.deployment()).get("containers")).getFirst());
        for (ConfigTable config : List.of(configure(service, composeEnvironment(service.compose), "docker-compose.yml"),
                configure(service, kubernetesEnvironment(container), "deploy/k8s " + service.deployment()))) {
            assertThat(config.get(CommonSettings.KAFKA_REPLICATION_FACTOR)).as("%s replication", service).isEqualTo(3);
            assertThat(config.get(CommonSettings.KAFKA_MIN_INSYNC_REPLICAS)).as("%s min ISR", service).isEqualTo(2);
        }
        assertThat(composeEnvironment(service.compose).get(CommonSettings.KAFKA_BOOTSTRAP.env()).split(",")).hasSize(3);
        Map<String, Object> services = map(files.yaml("docker-compose.yml").get("services"));
        assertThat(services.keySet().stream().filter(name -> name.startsWith("kafka-"))).as("compose brokers")
                .hasSize(3);
    }

    @Test
    void aStoppingWorkerGetsItsGracePeriodAndTheHandBackBeforeItIsKilled() {
        long needed = configure(Service.WORKER, composeEnvironment("worker"), "docker-compose.yml")
                .get(WorkerSettings.SHUTDOWN_GRACE_MS) + Worker.STOP_AFTER_GRACE_MS;
        String compose = composeService("worker").get("stop_grace_period").toString();
        assertThat(Duration.parse("PT" + compose.toUpperCase()).toMillis()).as("compose worker stop_grace_period")
                .isGreaterThan(needed);

        Map<String, Object> pod = podSpec(Service.WORKER.deployment());
        Map<String, Object> container = map(list(pod.get("containers")).getFirst());
        long k8sNeeded = configure(Service.WORKER, kubernetesEnvironment(container), "deploy/k8s")
                .get(WorkerSettings.SHUTDOWN_GRACE_MS) + Worker.STOP_AFTER_GRACE_MS;
        assertThat(((Number) pod.get("terminationGracePeriodSeconds")).longValue() * 1000)
                .as("worker terminationGracePeriodSeconds").isGreaterThan(k8sNeeded);
    }

    @Test
    void composeVolumesExistAndTheResourceVolumeIsShared() {
        assumeYaml();
        Set<String> declared = map(files.yaml("docker-compose.yml").get("volumes")).keySet();
        map(files.yaml("docker-compose.yml").get("services")).forEach((name, service) -> {
            for (Object volume : list(map(service).get("volumes"))) {
                String source = volume.toString().split(":")[0];
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    assertThat(declared).as("volume %s of service %s", source, name).contains(source);
                }
            }
        });
        String dataDir = composeEnvironment("ingress").get(CommonSettings.DATA_DIR.env());
        assertThat(composeEnvironment("worker").get(CommonSettings.DATA_DIR.env())).isEqualTo(dataDir);
        assertThat(composeVolumeAt("worker", dataDir)).as("the workers' resource volume")
                .isNotNull().isEqualTo(composeVolumeAt("ingress", dataDir));

        String usersFile = composeEnvironment("ingress").get(IngressSettings.USERS_FILE.env());
        String usersDir = usersFile.substring(0, usersFile.lastIndexOf('/'));
        assertThat(list(composeService("users-init").get("entrypoint"))).as("users-init writes the users file")
                .contains(usersFile);
        assertThat(composeVolumeAt("users-init", usersDir)).isNotNull()
                .isEqualTo(composeVolumeAt("ingress", usersDir));
    }

    @Test
    void kubernetesVolumesExistAndTheResourceClaimIsShared() {
        assumeYaml();
        for (Service service : Service.values()) {
            Map<String, Object> pod = podSpec(service.deployment());
            Map<String, Map<String, Object>> volumes = list(pod.get("volumes")).stream().map(DeployFiles::map)
                    .collect(Collectors.toMap(v -> (String) v.get("name"), v -> v));
            for (Object mount : list(map(list(pod.get("containers")).getFirst()).get("volumeMounts"))) {
                assertThat(volumes).as("%s volumes", service.deployment()).containsKey((String) map(mount).get("name"));
            }
            volumes.values().stream().map(v -> at(v, "persistentVolumeClaim").get("claimName"))
                    .filter(claim -> claim != null)
                    .forEach(claim -> assertThat(at(object("PersistentVolumeClaim/" + claim), "spec")
                            .get("accessModes")).as("claim %s", claim).isEqualTo(List.of("ReadWriteMany")));
        }
        String dataDir = (String) at(object("ConfigMap/trainyard-ingress"), "data").get(CommonSettings.DATA_DIR.env());
        assertThat(at(object("ConfigMap/trainyard-worker"), "data").get(CommonSettings.DATA_DIR.env())).isEqualTo(dataDir);
        assertThat(kubernetesVolumeAt("trainyard-worker", dataDir)).as("the workers' resource volume")
                .isNotNull().isEqualTo(kubernetesVolumeAt("trainyard-ingress", dataDir));

        String usersFile = (String) at(object("ConfigMap/trainyard-ingress"), "data").get(IngressSettings.USERS_FILE.env());
        int slash = usersFile.lastIndexOf('/');
        Map<String, Object> users = at(kubernetesVolumeAt("trainyard-ingress", usersFile.substring(0, slash)),
                "secret");
        assertThat(users.get("secretName")).as("the users file comes from a Secret").isNotNull();
        assertThat(list(users.get("items"))).extracting(item -> map(item).get("path"))
                .contains(usersFile.substring(slash + 1));

        assertThat(objects()).containsKey("Deployment/" + at(object("ScaledObject/trainyard-worker"), "spec",
                "scaleTargetRef").get("name"));
    }

    @Test
    void everyDashboardQueryNamesAnExportedMetric() {
        Map<String, Object> dashboard = files.json("deploy/grafana/dashboards/trainyard.json");
        List<String> queries = new ArrayList<>();
        collectQueries(list(dashboard.get("panels")), queries);
        assertThat(queries).as("dashboard queries").hasSizeGreaterThan(10);
        assertQueriesNameExportedMetrics("deploy/grafana/dashboards/trainyard.json", queries);
    }

    @Test
    void everyAlertAndAutoscalerQueryNamesAnExportedMetric() {
        assumeYaml();
        List<String> queries = new ArrayList<>();
        for (Object group : list(files.yaml("deploy/prometheus/alerts.yml").get("groups"))) {
            list(map(group).get("rules")).forEach(rule -> queries.add((String) map(rule).get("expr")));
        }
        assertQueriesNameExportedMetrics("deploy/prometheus/alerts.yml", queries);
        for (Object trigger : list(at(object("ScaledObject/trainyard-worker"), "spec").get("triggers"))) {
            assertQueriesNameExportedMetrics("deploy/k8s/keda-scaledobject.yaml",
                    List.of((String) at(map(trigger), "metadata").get("query")));
        }
    }

    // --- configuration ---------------------------------------------------------------------

    private static ConfigTable configure(Service service, Map<String, String> env, String where) {
        List<Setting<?>> settings = ServiceSettings.load(files.root, service.module, service.settingsClass)
                .orElse(null);
        assumeTrue(settings != null, service.module + " is not built: run the whole reactor (mvn verify)");
        Set<String> known = settings.stream().map(Setting::env).collect(Collectors.toSet());
        for (Setting<?> setting : settings) {
            if (setting.defaultValue() == null) {
                assertThat(env).as("%s: required %s of %s", where, setting.env(), service.compose)
                        .containsKey(setting.env());
            }
        }
        assertThat(env.keySet().stream().filter(k -> k.startsWith("TRAINYARD_")).toList())
                .as("%s: variables %s does not read", where, service.compose).isSubsetOf(known);
        assertThatCode(() -> ConfigTable.load(settings, env)).as("%s: configuration of %s", where, service.compose)
                .doesNotThrowAnyException();
        return ConfigTable.load(settings, env);
    }

    private static int port(Service service, ConfigTable config) {
        List<Setting<?>> settings = ServiceSettings.load(files.root, service.module, service.settingsClass)
                .orElseThrow();
        Setting<?> port = settings.stream().filter(s -> s.env().equals(service.portVariable)).findFirst().orElseThrow();
        return (Integer) config.get(port);
    }

    private static Map<String, String> composeEnvironment(String service) {
        Object environment = composeService(service).get("environment");
        Map<String, String> env = new TreeMap<>();
        if (environment instanceof List<?> entries) {
            entries.forEach(e -> env.put(e.toString().split("=", 2)[0], e.toString().split("=", 2)[1]));
        } else {
            map(environment).forEach((k, v) -> env.put(k, String.valueOf(v)));
        }
        return env;
    }

    /** The container's environment: its ConfigMaps (envFrom), then its own env entries. */
    private static Map<String, String> kubernetesEnvironment(Map<String, Object> container) {
        Map<String, String> env = new HashMap<>();
        for (Object source : list(container.get("envFrom"))) {
            Object configMap = map(source).get("configMapRef");
            assertThat(configMap).as("envFrom of %s names a ConfigMap", container.get("name")).isNotNull();
            at(object("ConfigMap/" + map(configMap).get("name")), "data").forEach((k, v) -> env.put(k, v.toString()));
        }
        for (Object entry : list(container.get("env"))) {
            Map<String, Object> e = map(entry);
            env.put((String) e.get("name"), e.containsKey("value") ? e.get("value").toString() : FROM_THE_POD);
        }
        return env;
    }

    // --- compose, Kubernetes and Prometheus files ------------------------------------------

    private static Map<String, Object> composeService(String name) {
        assumeYaml();
        Map<String, Object> service = at(files.yaml("docker-compose.yml"), "services", name);
        assertThat(service).as("compose service %s", name).isNotEmpty();
        return service;
    }

    private static String composeVolumeAt(String service, String target) {
        for (Object volume : list(composeService(service).get("volumes"))) {
            String[] parts = volume.toString().split(":");
            if (parts[1].equals(target)) {
                return parts[0];
            }
        }
        return null;
    }

    private static int healthcheckPort(List<Object> test) {
        String url = test.stream().map(Object::toString).filter(s -> s.startsWith("http://")).findFirst().orElseThrow();
        return URI.create(url).getPort();
    }

    private static int containerPort(String mapping) {
        String port = mapping.substring(mapping.lastIndexOf(':') + 1);
        return Integer.parseInt(port.replace("/tcp", ""));
    }

    private static Map<String, Object> scrapeJob(String name) {
        return list(files.yaml("deploy/prometheus/prometheus.yml").get("scrape_configs")).stream()
                .map(DeployFiles::map).filter(job -> name.equals(job.get("job_name"))).findFirst()
                .orElseThrow(() -> new AssertionError("prometheus.yml has no job " + name));
    }

    private static Map<String, Map<String, Object>> objects() {
        assumeYaml();
        return files.kubernetesObjects();
    }

    private static Map<String, Object> object(String kindAndName) {
        Map<String, Object> object = objects().get(kindAndName);
        assertThat(object).as("deploy/k8s has %s", kindAndName).isNotNull();
        return object;
    }

    private static Map<String, Object> podSpec(String deployment) {
        return at(object("Deployment/" + deployment), "spec", "template", "spec");
    }

    private static Map<String, Object> kubernetesVolumeAt(String deployment, String mountPath) {
        Map<String, Object> pod = podSpec(deployment);
        for (Object mount : list(map(list(pod.get("containers")).getFirst()).get("volumeMounts"))) {
            if (mountPath.equals(map(mount).get("mountPath"))) {
                Object name = map(mount).get("name");
                return list(pod.get("volumes")).stream().map(DeployFiles::map)
                        .filter(v -> name.equals(v.get("name"))).findFirst().orElse(null);
            }
        }
        return null;
    }

    private static void assumeYaml() {
        assumeTrue(files.canReadYaml(), "jackson-dataformat-yaml is not on this module's test classpath");
    }

    // --- metrics -----------------------------------------------------------------------------

    private static void collectQueries(List<Object> panels, List<String> queries) {
        for (Object panel : panels) {
            list(map(panel).get("targets")).forEach(t -> queries.add((String) map(t).get("expr")));
            collectQueries(list(map(panel).get("panels")), queries);
        }
    }

    private static void assertQueriesNameExportedMetrics(String where, List<String> queries) {
        ExportedMetrics exported = ExportedMetrics.scan(files.root, "common", "api-ingress", "worker", "scheduler");
        Map<String, Set<String>> unknown = new TreeMap<>();
        for (String query : queries) {
            for (String metric : PromQlMetricNames.of(query)) {
                if (!SCRAPE_SERIES.contains(metric) && !exported.exports(metric)) {
                    unknown.computeIfAbsent(metric, m -> new TreeSet<>()).add(query);
                }
            }
        }
        assertThat(unknown).as("%s names metrics no service exports (exported: %s)", where, exported.names())
                .isEmpty();
    }
}
