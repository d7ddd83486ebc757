package io.trainyard.ingress;

import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.ops.KafkaClientMeters;
import io.trainyard.common.ops.ServiceMeters;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.kafka.KafkaSetup;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.schedule.SchedulePublisher;
import io.trainyard.common.store.TaskStore;
import io.trainyard.ingress.auth.Authenticator;
import io.trainyard.ingress.auth.BearerTokens;
import io.trainyard.ingress.auth.Sessions;
import io.trainyard.ingress.chorus.ChorusDialect;
import io.trainyard.ingress.chorus.ChorusService;
import io.trainyard.ingress.maiascore.MaiascoreDialect;
import io.trainyard.ingress.maiascore.MaiascoreService;
import io.trainyard.ingress.auth.Guard;
import io.trainyard.ingress.auth.UserDirectory;
import io.trainyard.ingress.http.ApiException;
import io.trainyard.ingress.http.Bodies;
import io.trainyard.ingress.http.ErrorHandlers;
import io.trainyard.ingress.http.OpsService;
import io.trainyard.ingress.http.RequestMetrics;
import io.trainyard.ingress.http.RouteTable;
import io.trainyard.ingress.mlw.Mlw;
import io.trainyard.ingress.mlw.MlwDialect;
import io.trainyard.ingress.redis.SharedRedis;
import io.trainyard.ingress.submit.BoundedTaskStore;
import io.trainyard.ingress.submit.EventLog;
import io.trainyard.ingress.submit.KafkaPublisher;
import io.trainyard.ingress.submit.RollbackRetries;
import io.trainyard.ingress.submit.SubmitBound;
import io.trainyard.ingress.submit.SubmitMetrics;
import io.trainyard.ingress.submit.Submissions;
import io.trainyard.ingress.submit.TopicProvisioner;
import io.trainyard.ingress.submit.ScheduleSink;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The ingress's composition root: reads the configuration, wires stores, the Kafka publisher,
 * auth and the dialects' routes, and serves them on one port with /metrics and /health.
 */
public final class Ingress implements AutoCloseable {
    private final WebServer server;
    private final RouteTable routes;
    private final List<AutoCloseable> resources;

    private Ingress(WebServer server, RouteTable routes, List<AutoCloseable> resources) {
        this.server = server;
        this.routes = routes;
        this.resources = resources;
    }

    /** Every route served, as "METHOD /path/{param}". */
    public SortedSet<String> routes() {
        return routes.routes();
    }

    public static Ingress start(ConfigTable config) {
        return start(config, InstantSource.system());
    }

    public static Ingress start(ConfigTable config, InstantSource clock) {
        UserDirectory users = UserDirectory.load(Path.of(config.get(IngressSettings.USERS_FILE)));
        String bootstrap = config.get(CommonSettings.KAFKA_BOOTSTRAP);
        SubmitBound submitBound = SubmitBound.ofMillis(config.get(IngressSettings.SUBMIT_TIMEOUT_MS));
        int maxBody = config.get(IngressSettings.MAX_BODY_BYTES);
        int maxUpload = config.get(IngressSettings.MAX_UPLOAD_BYTES);

        PrometheusMeterRegistry registry = ServiceMeters.create();

        SharedRedis redis = SharedRedis.connect(URI.create(config.get(CommonSettings.REDIS_URI)),
                config.get(IngressSettings.REDIS_LANES));
        AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "trainyard-ingress-admin"));
        KafkaClientMetrics adminMeters = KafkaClientMeters.bind(registry, admin);
        TopicProvisioner topics = TopicProvisioner.start(admin, KafkaSetup.Layout.local());
        KafkaPublisher publisher = new KafkaPublisher(bootstrap, submitBound,
                config.get(IngressSettings.PUBLISH_LINGER_MS), registry);
        KafkaClientMetrics publisherMeters = KafkaClientMeters.bind(registry, publisher.producer());

        TaskStore taskStore = new TaskStore(redis);
        BoundedTaskStore boundedStore = deadline -> new TaskStore(redis.until(deadline));
        SchedulePublisher schedulePublisher = new SchedulePublisher(publisher.producer(),
                Duration.ofMillis(submitBound.publishMillis()));
        ScheduleSink schedules = ScheduleSink.of(schedulePublisher);
        EventLog events = new EventLog(Submissions.class, System.err, clock);
        RollbackRetries rollbacks = new RollbackRetries(boundedStore);
        Submissions submissions = new Submissions(boundedStore, publisher, schedules, submitBound, rollbacks, clock,
                new SubmitMetrics(registry), events);
        BearerTokens tokens = BearerTokens.load(config.get(IngressSettings.TOKEN_KEYS_FILE),
                config.get(IngressSettings.TOKEN_ISSUER), clock);
        Authenticator authenticator = new Authenticator(users, tokens, new Sessions(redis, users), clock);
        Bodies bodies = new Bodies(maxBody);
        Mlw mlw = new Mlw(redis, taskStore, new ResourceFiles(Path.of(config.get(CommonSettings.DATA_DIR))),
                submissions, schedules, bodies, maxUpload, new Guard(authenticator::any), clock);
        ChorusService chorus = new ChorusService(redis, taskStore, mlw, submissions, authenticator, bodies, clock);
        MaiascoreService maiascore = new MaiascoreService(taskStore, mlw, submissions, authenticator, bodies, clock);

        MlwDialect mlwDialect = new MlwDialect();
        ErrorHandlers errors = new ErrorHandlers(List.of(mlwDialect, new ChorusDialect(), new MaiascoreDialect()),
                mlwDialect);
        OpsService ops = new OpsService(registry, new Readiness(admin, redis, topics));

        RouteTable routes = new RouteTable();
        WebServer server = WebServer.builder()
                .port(config.get(IngressSettings.HTTP_PORT))
                .shutdownHook(false)
                .maxPayloadSize(Math.max(maxBody, maxUpload))
                // A response is one write; waiting for the client's ACK before the next (Nagle) only adds latency.
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .directHandlers(errors.directHandlers())
                .routing(routing -> {
                    routing.addFilter(new RequestMetrics(registry));
                    routing.register(routes.record("", ops));
                    routing.register(MlwDialect.BASE, routes.record(MlwDialect.BASE, mlw.service()));
                    routing.register(routes.record("", chorus));
                    routing.register(routes.record("", maiascore));
                    routing.any((req, res) -> {
                        String method = req.prologue().method().text();
                        String path = req.path().path();
                        var allowed = routes.methodsFor(path);
                        if (!allowed.isEmpty()) {
                            throw ApiException.methodNotAllowed(method, path, allowed);
                        }
                        throw ApiException.notFound("Endpoint " + method + " " + path);
                    });
                    errors.register(routing);
                })
                .build()
                .start();
        return new Ingress(server, routes, List.of(events, rollbacks, topics, publisherMeters, publisher, adminMeters,
                () -> admin.close(Duration.ofSeconds(2)), redis, registry::close));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // Closing on the way out: nothing left to tell the client, keep closing the rest.
            }
        }
    }
}
