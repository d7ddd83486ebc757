package io.trainyard.ingress.internal.mlw;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/** The MLW API under {@code /service/mlw}. */
final class MlwService implements HttpService {
    private final ProjectRoutes projects;
    private final ResourceRoutes resources;
    private final TaskRoutes tasks;

    MlwService(ProjectRoutes projects, ResourceRoutes resources, TaskRoutes tasks) {
        this.projects = projects;
        this.resources = resources;
        this.tasks = tasks;
    }

    @Override
    public void routing(HttpRules rules) {
        resources.routing(rules);
        projects.routing(rules);
        tasks.routing(rules);
    }
}
