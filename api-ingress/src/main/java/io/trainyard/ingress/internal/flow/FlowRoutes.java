package io.trainyard.ingress.internal.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.flow.FlowKeys;
import io.trainyard.common.flow.FlowStore;
import io.trainyard.common.job.JobType;
import io.trainyard.ingress.internal.auth.Guard;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Bodies;
import io.trainyard.ingress.internal.http.JsonFields;
import io.trainyard.ingress.internal.http.Responses;
import io.trainyard.ingress.internal.submit.FlowFields;
import io.trainyard.ingress.internal.submit.PublishFailedException;
import io.trainyard.ingress.internal.submit.RecordPublisher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /flow} in the MLW API: the caller's tenant's flow control. Pause and resume its queue or
 * one job type; store a concurrency limit or a rate per concurrency key, and the tenant's rate.
 * A resume publishes the parked jobs again, oldest first; one whose publish fails is published by
 * the reconciler after the publish deadline (the answer counts it as resumed either way).
 */
public final class FlowRoutes implements HttpService {
    private final FlowStore flows;
    private final RecordPublisher jobs;
    private final long publishMillis;
    private final Guard guard;
    private final Bodies bodies;

    public FlowRoutes(FlowStore flows, RecordPublisher jobs, long publishMillis, Guard guard, Bodies bodies) {
        this.flows = flows;
        this.jobs = jobs;
        this.publishMillis = publishMillis;
        this.guard = guard;
        this.bodies = bodies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/flow", guard.require(Role.READ, (req, res, p) -> Responses.ok(res, policy(p.tenant()))))
                .post("/flow/pause", guard.require(Role.UPDATE, this::pause))
                .post("/flow/resume", guard.require(Role.UPDATE, this::resume))
                .get("/flow/concurrency/{key}", guard.require(Role.READ, this::keyState))
                .put("/flow/concurrency/{key}", guard.require(Role.UPDATE, this::putLimit))
                .delete("/flow/concurrency/{key}", guard.require(Role.UPDATE, this::deleteLimit))
                .put("/flow/rate", guard.require(Role.UPDATE, this::putRate))
                .delete("/flow/rate", guard.require(Role.UPDATE, this::deleteRate));
    }

    private Map<String, Object> policy(String tenant) {
        Map<String, String> stored = flows.policy(tenant);
        List<String> pausedTypes = new ArrayList<>();
        Map<String, Integer> limits = new TreeMap<>();
        Map<String, Double> rates = new TreeMap<>();
        stored.forEach((field, value) -> {
            int colon = field.indexOf(':');
            String kind = field.substring(0, colon);
            String name = field.substring(colon + 1);
            switch (kind) {
                case "paused" -> {
                    if (!name.equals(FlowKeys.WHOLE_QUEUE)) {
                        pausedTypes.add(name);
                    }
                }
                case "limit" -> limits.put(name, Integer.parseInt(value));
                case "rate" -> rates.put(name, Double.parseDouble(value));
                default -> { }
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant", tenant);
        out.put("paused", stored.containsKey("paused:" + FlowKeys.WHOLE_QUEUE));
        out.put("pausedTypes", pausedTypes);
        out.put("tenantRatePerSecond", rates.remove(FlowKeys.WHOLE_QUEUE));
        out.put("concurrencyLimits", limits);
        out.put("ratesPerSecond", rates);
        return out;
    }

    private void pause(ServerRequest req, ServerResponse res, Principal p) {
        JobType type = type(req);
        flows.pause(p.tenant(), type);
        Responses.ok(res, scope(p.tenant(), type, true, 0));
    }

    private void resume(ServerRequest req, ServerResponse res, Principal p) {
        JobType type = type(req);
        List<FlowStore.Release> released = flows.resume(p.tenant(), type);
        List<FlowStore.Release> published = new ArrayList<>(released.size());
        try {
            for (FlowStore.Release r : released) {
                jobs.publish(r.topic(), r.runId(), r.message(), publishMillis);
                published.add(r);
            }
        } catch (PublishFailedException e) {
            // The rest stay in the in-flight index: the reconciler publishes them after the deadline.
            throw ApiException.unavailable("resumed, but Kafka did not acknowledge " + (released.size() - published.size())
                    + " of the " + released.size() + " parked jobs; they will be queued by the reconciler", 5, e);
        } finally {
            flows.published(published);
        }
        Responses.ok(res, scope(p.tenant(), type, false, released.size()));
    }

    private static Map<String, Object> scope(String tenant, JobType type, boolean paused, int resumed) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant", tenant);
        out.put("type", type == null ? null : type.name());
        out.put("paused", paused);
        if (!paused) {
            out.put("resumed", resumed);
        }
        return out;
    }

    private void keyState(ServerRequest req, ServerResponse res, Principal p) {
        String key = key(req);
        FlowStore.KeyState state = flows.keyState(p.tenant(), key);
        String limit = flows.policy(p.tenant()).get("limit:" + key);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("concurrencyKey", key);
        out.put("limit", limit == null ? null : Integer.parseInt(limit));
        out.put("running", state.running());
        out.put("waiting", state.waiting());
        Responses.ok(res, out);
    }

    private void putLimit(ServerRequest req, ServerResponse res, Principal p) {
        String key = key(req);
        long limit = JsonFields.optionalWholeNumber(bodies.jsonObject(req), "limit")
                .orElseThrow(() -> ApiException.missing("limit"));
        if (limit < 1 || limit > 1_000_000) {
            throw ApiException.invalid("limit", "must be between 1 and 1000000");
        }
        flows.limit(p.tenant(), key, (int) limit);
        Responses.ok(res, Map.of("concurrencyKey", key, "limit", limit));
    }

    private void deleteLimit(ServerRequest req, ServerResponse res, Principal p) {
        String key = key(req);
        flows.limit(p.tenant(), key, null);
        // Slots the default may give now go to waiting jobs at the next sweep.
        Responses.ok(res, Map.of("concurrencyKey", key, "limit", "default"));
    }

    private void putRate(ServerRequest req, ServerResponse res, Principal p) {
        JsonNode body = bodies.jsonObject(req);
        double rate = JsonFields.optionalNumber(body, "perSecond").orElseThrow(() -> ApiException.missing("perSecond"));
        if (!(rate > 0 && rate <= 1_000_000)) {
            throw ApiException.invalid("perSecond", "must be more than 0 and at most 1000000");
        }
        String key = rateKey(JsonFields.optionalString(body, "concurrencyKey").orElse(null));
        flows.rate(p.tenant(), key, rate);
        Responses.ok(res, rateView(key, rate));
    }

    private void deleteRate(ServerRequest req, ServerResponse res, Principal p) {
        String key = rateKey(req.query().first("concurrencyKey").orElse(null));
        flows.rate(p.tenant(), key, null);
        Responses.ok(res, rateView(key, null));
    }

    private static Map<String, Object> rateView(String key, Double rate) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("concurrencyKey", key.equals(FlowKeys.WHOLE_QUEUE) ? null : key);
        out.put("perSecond", rate == null ? "default" : rate);
        return out;
    }

    private static String rateKey(String key) {
        if (key == null) {
            return FlowKeys.WHOLE_QUEUE;
        }
        if (!FlowKeys.isKey(key)) {
            throw ApiException.invalid(FlowFields.CONCURRENCY_KEY, FlowKeys.KEY_RULE);
        }
        return key;
    }

    private static String key(ServerRequest req) {
        String key = req.path().pathParameters().get("key");
        if (!FlowKeys.isKey(key)) {
            throw ApiException.invalid("key", FlowKeys.KEY_RULE);
        }
        return key;
    }

    /** The job type of a pause or resume: the body's {@code type}, or none (the whole queue). */
    private JobType type(ServerRequest req) {
        JsonNode body = req.content().hasEntity() ? bodies.jsonObject(req) : null;
        if (body == null) {
            return null;
        }
        String text = JsonFields.optionalString(body, "type").orElse(null);
        if (text == null) {
            return null;
        }
        try {
            return JobType.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("type", "must be CODE, WORKFLOW or NOOP");
        }
    }
}
