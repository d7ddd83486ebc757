package io.trainyard.ingress.internal.mlw;

import io.trainyard.common.resource.ResourceRecords;
import io.trainyard.ingress.Submissions;
import io.trainyard.ingress.internal.auth.Guard;
import io.trainyard.ingress.internal.catalog.Catalog;
import io.trainyard.ingress.internal.catalog.ProjectStore;
import io.trainyard.ingress.internal.catalog.WorkflowDocuments;
import io.trainyard.ingress.internal.http.Bodies;
import io.trainyard.ingress.internal.submit.ScheduleSink;
import java.time.InstantSource;
import redis.clients.jedis.UnifiedJedis;

/**
 * What the MLW endpoints share: the catalog, the submit path, body limits, the auth guard and the
 * clock. Built once by the composition root.
 */
public final class Mlw {
    final ProjectStore projects;
    final ResourceRecords resources;
    final WorkflowDocuments workflows;
    final TaskQueries tasks;
    final Submissions submissions;
    final ScheduleSink schedules;
    final Bodies bodies;
    final long maxUploadBytes;
    final Guard guard;
    final InstantSource clock;

    public Mlw(UnifiedJedis redis, Catalog catalog, Submissions submissions, ScheduleSink schedules, Bodies bodies,
               long maxUploadBytes, Guard guard, InstantSource clock) {
        this.projects = catalog.projects();
        this.resources = catalog.resources();
        this.workflows = catalog.workflows();
        this.tasks = new TaskQueries(catalog.tasks(), redis);
        this.submissions = submissions;
        this.schedules = schedules;
        this.bodies = bodies;
        this.maxUploadBytes = maxUploadBytes;
        this.guard = guard;
        this.clock = clock;
    }

    /** The MLW routes, to register under {@link MlwDialect#BASE}. */
    public MlwService service() {
        return new MlwService(new ProjectRoutes(this), new ResourceRoutes(this), new TaskRoutes(this));
    }
}
