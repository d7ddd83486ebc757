package io.trainyard.ingress.internal.ui;

import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;

/** What every signed-in page shows around its content: who is signed in, the CSRF token, the page. */
public record Chrome(String tenant, String user, boolean admin, boolean mayUpdate, boolean mayRun, String csrf,
                     String page) {
    static Chrome of(Principal principal, String csrf, String page) {
        return new Chrome(principal.tenant(), principal.user(), principal.has(Role.ADMIN),
                principal.has(Role.UPDATE), principal.has(Role.ADMIN), csrf, page);
    }

    /** htmx sends this header with every request it makes from the page. */
    public String htmxHeaders() {
        return "{\"" + ConsoleSession.CSRF_HEADER + "\":\"" + csrf + "\"}";
    }
}
