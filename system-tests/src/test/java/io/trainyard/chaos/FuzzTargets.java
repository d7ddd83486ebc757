package io.trainyard.chaos;

/**
 * What the fuzz aims at: the tenant, its real project and script resource (so a request is wrong
 * in its content, not merely aimed at nothing), and the credentials of its ADMIN and READ users.
 */
record FuzzTargets(String tenant, String project, String codeResource, String admin, String reader) {

    static FuzzTargets of(String tenant, String project, String codeResource, String password) {
        return new FuzzTargets(tenant, project, codeResource, FuzzText.basic(tenant + "/admin:" + password),
                FuzzText.basic(tenant + "/reader:" + password));
    }

    static String mlw(String rest) {
        return "/service/mlw" + rest;
    }

    String projectPath() {
        return mlw("/projects/" + project);
    }

    String resourcePath(String resource) {
        return projectPath() + "/resources/" + resource;
    }

    String codePath() {
        return resourcePath(codeResource);
    }
}
