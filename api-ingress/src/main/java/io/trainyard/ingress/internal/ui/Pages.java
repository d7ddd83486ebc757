package io.trainyard.ingress.internal.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/**
 * Renders the console's jte templates (precompiled at build time; every {@code ${...}} is escaped
 * for the HTML context it stands in) and sends them with the headers every page carries.
 */
final class Pages {
    /**
     * Only the console's own origin: no inline script or style at all, so markup that slipped
     * through could not run. htmx is told not to inject its indicator style (see layout.jte).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        engine.render(template + ".jte", params, out);
        return out.toString();
    }

    void send(ServerResponse res, int status, String template, Map<String, Object> params) {
        String html = render(template, params);
        headers(res);
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.send(html);
    }

    static void headers(ServerResponse res) {
        res.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
    }

    /** After a form's post: see the result with a GET (htmx follows {@code HX-Redirect}). */
    static void redirect(ServerResponse res, String location, boolean htmx) {
        headers(res);
        if (htmx) {
            res.header("HX-Redirect", location);
            res.status(Status.NO_CONTENT_204).send();
        } else {
            res.header(HeaderNames.LOCATION, location);
            res.status(Status.SEE_OTHER_303).send();
        }
    }
}
