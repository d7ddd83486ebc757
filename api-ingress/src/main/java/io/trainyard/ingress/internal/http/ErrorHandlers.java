package io.trainyard.ingress.internal.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.Ids;
import io.trainyard.common.TrainyardException;
import io.trainyard.common.json.Json;
import io.trainyard.common.schedule.ScheduleRuleException;
import io.trainyard.common.store.LostReply;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The catch-all: every failure, whether thrown by a handler or detected by the server before
 * routing (bad request line, oversized body), is answered in the dialect of the request's path,
 * and no stack trace ever reaches a client. Unexpected failures are logged with an incident id
 * that the answer repeats.
 */
public final class ErrorHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandlers.class);

    private final List<Dialect> dialects;
    private final Dialect fallback;

    public ErrorHandlers(List<Dialect> dialects, Dialect fallback) {
        this.dialects = List.copyOf(dialects);
        this.fallback = fallback;
    }

    public Dialect dialectFor(String path) {
        for (Dialect dialect : dialects) {
            if (dialect.serves(path)) {
                return dialect;
            }
        }
        return fallback;
    }

    public void register(HttpRouting.Builder routing) {
        routing.error(Throwable.class, this::handle);
    }

    /** Answers {@code error} for {@code req}; used by handlers that answer errors themselves. */
    public void send(ServerRequest req, ServerResponse res, ApiException error) {
        Dialect dialect = dialectFor(req.path().path());
        if (error.retryAfterSeconds() > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(error.retryAfterSeconds()));
        }
        if (!error.allow().isEmpty()) {
            res.header(HeaderNames.ALLOW, String.join(", ", error.allow()));
        }
        if (req.content().hasEntity() && !req.content().consumed()) {
            skipBody(req, res);
        }
        Responses.json(res, dialect.status(error), dialect.contentType(), dialect.errorBody(error));
    }

    /**
     * Reads and drops the rest of a body refused before it was read, so the connection can carry
     * the client's next request. A body the server will not read to its end (past its payload
     * limit, or unreadable) closes the connection instead, and the answer says so: otherwise the
     * client would send its next request on a connection about to close, and lose it.
     */
    private static void skipBody(ServerRequest req, ServerResponse res) {
        try {
            req.content().consume();
        } catch (RuntimeException e) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
    }

    private void handle(ServerRequest req, ServerResponse res, Throwable thrown) {
        if (res.isSent()) {
            return;
        }
        send(req, res, translate(thrown));
    }

    static ApiException translate(Throwable thrown) {
        if (thrown instanceof ApiException api) {
            return api;
        }
        if (thrown.getCause() instanceof ApiException api) {
            return api;
        }
        if (thrown instanceof JedisException || LostReply.is(thrown)) {
            LOG.warn("task store unavailable: {}", thrown.toString());
            return ApiException.unavailable("The task store is unavailable; try again shortly", 5, thrown);
        }
        if (thrown instanceof RequestException request) {
            return fromStatus(request.status().code());
        }
        if (thrown instanceof ScheduleRuleException rule) {
            return rule.problem() == ScheduleRuleException.Problem.MISSING
                    ? ApiException.missing(rule.field(), rule.reason())
                    : ApiException.invalid(rule.field(), rule.reason());
        }
        if (thrown instanceof TrainyardException ours && ours.retryable()) {
            LOG.warn("a dependency did not answer: {}", thrown.toString());
            return ApiException.unavailable("A dependency of the service did not answer; try again shortly", 5, thrown);
        }
        String incident = Ids.next();
        LOG.error("unexpected failure, incident {}", incident, thrown);
        return ApiException.of(Problem.INTERNAL, "Unexpected server error (incident " + incident + ")");
    }

    private static ApiException fromStatus(int status) {
        return switch (status) {
            case 413 -> ApiException.of(Problem.TOO_LARGE, "Request body exceeds the configured limit");
            case 414 -> ApiException.uriTooLong();
            case 404 -> ApiException.notFound("Endpoint");
            case 405 -> ApiException.of(Problem.METHOD_NOT_ALLOWED, "Method not allowed");
            case 415 -> ApiException.of(Problem.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type");
            default -> status >= 400 && status < 500
                    ? ApiException.malformed("the request could not be read")
                    : ApiException.of(Problem.INTERNAL, "Unexpected server error");
        };
    }

    /** Handlers for failures the server detects before routing, worded like routed errors. */
    public DirectHandlers directHandlers() {
        DirectHandler handler = (request, type, status, headers, message) -> {
            ApiException error = fromStatus(status.code());
            Dialect dialect = dialectFor(request.path() == null ? "/" : request.path());
            return DirectHandler.TransportResponse.builder()
                    .status(Status.create(dialect.status(error)))
                    .headers(headers)
                    .header(HeaderNames.CONTENT_TYPE, dialect.contentType())
                    .entity(Json.write(dialect.errorBody(error)))
                    .build();
        };
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }
}
