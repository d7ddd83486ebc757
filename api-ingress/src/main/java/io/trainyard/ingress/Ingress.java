package io.trainyard.ingress;

import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.flow.FlowLimits;
import io.trainyard.common.flow.FlowStore;
import io.trainyard.common.kafka.KafkaConnection;
import io.trainyard.common.kafka.KafkaMisconfiguredException;
import io.trainyard.common.kafka.TopicLayout;
import io.trainyard.common.ops.KafkaClientMeters;
import io.trainyard.common.ops.ServiceMeters;
import io.trainyard.common.pipeline.PipelineSteps;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.ingress.internal.auth.Authenticator;
import io.trainyard.ingress.internal.auth.BearerTokens;
import io.trainyard.ingress.internal.auth.Guard;
import io.trainyard.ingress.internal.auth.Sessions;
import io.trainyard.ingress.internal.auth.UserDirectory;
import io.trainyard.ingress.internal.auth.UserRoutes;
import io.trainyard.ingress.internal.auth.UserStore;
import io.trainyard.ingress.internal.catalog.Catalog;
import io.trainyard.ingress.internal.chorus.ChorusDialect;
import io.trainyard.ingress.internal.chorus.ChorusService;
import io.trainyard.ingress.internal.deadletter.DeadLetterQueue;
import io.trainyard.ingress.internal.deadletter.DeadLetterRoutes;
import io.trainyard.ingress.internal.flow.FlowRoutes;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Bodies;
import io.trainyard.ingress.internal.http.ErrorHandlers;
import io.trainyard.ingress.internal.http.OpsService;
import io.trainyard.ingress.internal.http.RequestMetrics;
import io.trainyard.ingress.internal.http.RouteTable;
import io.trainyard.ingress.internal.maiascore.MaiascoreDialect;
import io.trainyard.ingress.internal.maiascore.MaiascoreService;
import io.trainyard.ingress.internal.mlw.Mlw;
import io.trainyard.ingress.internal.mlw.MlwDialect;
import io.trainyard.ingress.internal.mlw.PipelineFires;
import io.trainyard.ingress.internal.mlw.PipelineRoutes;
import io.trainyard.ingress.internal.pipeline.PipelineStore;
import io.trainyard.ingress.internal.pipeline.Pipelines;
import io.trainyard.ingress.internal.redis.IngressRedis;
import io.trainyard.ingress.internal.rerun.RerunRoutes;
import io.trainyard.ingress.internal.rerun.Reruns;
import io.trainyard.ingress.internal.schedule.ScheduleRoutes;
import io.trainyard.ingress.internal.schedule.Schedules;
import io.trainyard.ingress.internal.submit.BoundedTaskStore;
import io.trainyard.ingress.internal.submit.EventLog;
import io.trainyard.ingress.internal.submit.KafkaPublisher;
import io.trainyard.ingress.internal.submit.RollbackRetries;
import io.trainyard.ingress.internal.submit.ScheduleSink;
import io.trainyard.ingress.internal.submit.SubmitBound;
import io.trainyard.ingress.internal.submit.SubmitMetrics;
import io.trainyard.ingress.internal.submit.TopicProvisioner;
import io.trainyard.ingress.internal.ui.Console;
import io.trainyard.ingress.internal.ui.ConsoleContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import redis.clients.jedis.UnifiedJedis;

/**
 * The ingress's composition root: reads the configuration, wires stores, the Kafka publisher,
 * auth and the dialects' routes, and serves them on one port with /metrics and /health.
 */
public final class Ingress implements AutoCloseable {
    /** How long start-up waits for Kafka's first answer about the topics before it goes on in the background. */
    private static final Duration FIRST_TOPIC_CHECK = Duration.ofSeconds(5);

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
        List<UserDirectory.User> seedUsers = UserDirectory.read(Path.of(config.get(IngressSettings.USERS_FILE)));
        KafkaConnection kafka = KafkaConnection.of(config);
        TopicLayout layout = TopicLayout.of(config);
        SubmitBound submitBound = SubmitBound.ofMillis(config.get(IngressSettings.SUBMIT_TIMEOUT_MS));
        int maxBody = config.get(IngressSettings.MAX_BODY_BYTES);
        int maxUpload = config.get(IngressSettings.MAX_UPLOAD_BYTES);

        PrometheusMeterRegistry registry = ServiceMeters.create();

        IngressRedis ingressRedis = IngressRedis.connect(config);
        UnifiedJedis redis = ingressRedis.client();
        AdminClient admin = AdminClient.create(kafka.config(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "trainyard-ingress-admin")));
        KafkaClientMetrics adminMeters = KafkaClientMeters.bind(registry, admin);
        TopicProvisioner topics = TopicProvisioner.start(admin, layout);
        try {
            topics.awaitFirstAttempt(FIRST_TOPIC_CHECK);
        } catch (KafkaMisconfiguredException e) {
            adminMeters.close();
            admin.close(Duration.ofSeconds(2));
            redis.close();
            registry.close();
            throw e;
        }
        KafkaPublisher publisher = new KafkaPublisher(kafka, submitBound,
                config.get(IngressSettings.PUBLISH_LINGER_MS), registry);
        KafkaClientMetrics publisherMeters = KafkaClientMeters.bind(registry, publisher.producer());

        TaskStore taskStore = ingressRedis.taskStore();
        BoundedTaskStore boundedStore = ingressRedis.taskStores();
        SchedulePublisher schedulePublisher = new SchedulePublisher(publisher.producer(),
                Duration.ofMillis(submitBound.publishMillis()));
        ScheduleSink schedules = ScheduleSink.of(schedulePublisher);
        EventLog events = new EventLog(Submissions.class, System.err, clock);
        RollbackRetries rollbacks = new RollbackRetries(boundedStore);
        UserStore userStore = new UserStore(redis, clock, events::log).seed(seedUsers);
        UserDirectory users = UserDirectory.stored(userStore);
        Submissions submissions = new Submissions(boundedStore, publisher, schedules, submitBound, rollbacks, clock,
                new SubmitMetrics(registry), events);
        BearerTokens tokens = BearerTokens.load(config.get(IngressSettings.TOKEN_KEYS_FILE),
                config.get(IngressSettings.TOKEN_ISSUER), clock);
        Authenticator authenticator = new Authenticator(users, tokens, new Sessions(redis, users), clock);
        Bodies bodies = new Bodies(maxBody);
        Catalog catalog = new Catalog(redis, taskStore, new ResourceFiles(Path.of(config.get(CommonSettings.DATA_DIR))),
                clock);
        Mlw mlw = new Mlw(redis, catalog, submissions, schedules, bodies, maxUpload, new Guard(authenticator::any), clock);
        Pipelines pipelines = new Pipelines(new PipelineStore(redis),
                new PipelineSteps(redis, TaskStore.REMOVED_RUN_TTL_SECONDS), publisher, submitBound.publishMillis(), clock,
                events);
        ChorusService chorus = new ChorusService(redis, taskStore, catalog, submissions, schedules, pipelines,
                authenticator, bodies, clock);
        MaiascoreService maiascore = new MaiascoreService(taskStore, catalog, submissions, authenticator, bodies, clock);

        DeadLetterQueue deadLetterQueue = new DeadLetterQueue(kafka, publisher.producer(), redis, events, clock);
        DeadLetterRoutes deadLetters = new DeadLetterRoutes(deadLetterQueue, new Guard(authenticator::any), bodies);
        UserRoutes userRoutes = new UserRoutes(userStore, new Guard(authenticator::any), bodies,
                config.get(IngressSettings.OPERATOR_TENANT));
        Schedules scheduleStore = new Schedules(redis, clock, events::log);
        ScheduleRoutes scheduleRoutes = new ScheduleRoutes(scheduleStore, new Guard(authenticator::any));
        RerunRoutes rerunRoutes = new RerunRoutes(new Reruns(redis, publisher, submitBound.publishMillis(), clock,
                events::log), new Guard(authenticator::any));
        PipelineRoutes pipelineRoutes = new PipelineRoutes(pipelines, catalog, new Guard(authenticator::any), bodies,
                mlw, redis);
        PipelineFires pipelineFires = new PipelineFires(redis, pipelines, catalog, clock);
        // The ingress only pauses, resumes and stores limits: the defaults are the workers' and the scheduler's.
        FlowRoutes flowRoutes = new FlowRoutes(new FlowStore(redis, FlowLimits.handBackOnly(submitBound.publishMillis()),
                clock), publisher, submitBound.publishMillis(), new Guard(authenticator::any), bodies);
        MlwDialect mlwDialect = new MlwDialect();
        ErrorHandlers errors = new ErrorHandlers(List.of(mlwDialect, new ChorusDialect(), new MaiascoreDialect()),
                mlwDialect);
        OpsService ops = new OpsService(registry, new Readiness(admin, redis, topics));

        RouteTable routes = new RouteTable();
        // The console calls the API on this server's own port, known only once it listens.
        int[] port = new int[1];
        Console console = new Console(ConsoleContext.of(authenticator, redis, taskStore, deadLetterQueue::waiting, userRoutes, userStore,
                scheduleStore, () -> port[0], clock),
                maxUpload);
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
                    routing.register(MlwDialect.BASE, routes.record(MlwDialect.BASE, deadLetters));
                    routing.register(MlwDialect.BASE, routes.record(MlwDialect.BASE, userRoutes));
                    routing.register(MlwDialect.BASE, routes.record(MlwDialect.BASE, scheduleRoutes));
                    routing.register(MlwDialect.BASE, routes.record(MlwDialect.BASE, rerunRoutes));
                    routing.register(MlwDialect.BASE, routes.record(MlwDialect.BASE, pipelineRoutes));
                    routing.register(MlwDialect.BASE, routes.record(MlwDialect.BASE, flowRoutes));
                    routing.register(routes.record("", chorus));
                    routing.register(routes.record("", maiascore));
                    // Not recorded: the console's pages are not part of the API the OpenAPI document describes.
                    routing.register(Console.BASE, console);
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
        port[0] = server.port();
        return new Ingress(server, routes, List.of(pipelineFires, chorus, events, rollbacks, topics, publisherMeters, publisher, adminMeters,
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
