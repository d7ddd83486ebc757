package io.trainyard.scheduler.internal.reconcile;

import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * The reconciler's side of the index of in-flight runs: each tenant's {@link TenantKeys#inflight()}
 * (filled by the starts and by the scheduler's claims, emptied by the ends) and the set of tenants
 * that have one. Finds due entries, claims their runs atomically ({@code reconcile.lua}) and takes
 * runs whose job reached Kafka out of the index ({@code published.lua}).
 */
public final class InFlightRuns {
    private static final Logger LOG = LoggerFactory.getLogger(InFlightRuns.class);
    private static final LuaScript RECONCILE = LuaScript.load("reconcile");
    private static final LuaScript PUBLISHED = LuaScript.load("published");
    static final String REQUEUED_MESSAGE = "requeued after its worker stopped renewing its lease";

    private final UnifiedJedis redis;

    public InFlightRuns(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** What a claim decided for one run; {@code run} holds its fields from before the claim. */
    public record Claim(String tenant, String runId, Action action, int attempt, Map<String, String> run) {}

    /** The claim's decision: what the reconciler does next. */
    public enum Action {
        /** Not due (a renewal moved its lease), ended, gone, or claimed by another reconciler. */
        NONE,
        /** Was RUNNING with starts left: now QUEUED again; publish its job. */
        REQUEUED,
        /** Was QUEUED past its publish deadline: publish its job. */
        PUBLISH,
        /** Was RUNNING out of starts (or with no job to publish again): now FAILED; send a dead letter. */
        FAILED,
        /** Was RUNNING with a cancel requested: now CANCELLED. */
        CANCELLED
    }

    /**
     * The ids of the runs due at {@code cutoff} (score at or before it), at most {@code limit} per
     * tenant, by tenant, in one round trip. A tenant whose index is empty leaves the tenant set;
     * the check that follows puts back one a start refilled meanwhile.
     */
    public Map<String, List<String>> due(Instant cutoff, int limit) {
        Set<String> tenants = redis.smembers(TenantKeys.INFLIGHT_TENANTS);
        Map<String, Response<List<String>>> due = new LinkedHashMap<>();
        Map<String, Response<Long>> sizes = new LinkedHashMap<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String tenant : tenants) {
                String index = new TenantKeys(tenant).inflight();
                due.put(tenant, pipeline.zrangeByScore(index, Double.NEGATIVE_INFINITY, cutoff.toEpochMilli(), 0,
                        limit));
                sizes.put(tenant, pipeline.zcard(index));
            }
            pipeline.sync();
        }
        List<String> empty = new ArrayList<>();
        Map<String, List<String>> byTenant = new LinkedHashMap<>();
        due.forEach((tenant, ids) -> {
            if (!ids.get().isEmpty()) {
                byTenant.put(tenant, ids.get());
            } else if (sizes.get(tenant).get() == 0) {
                empty.add(tenant);
            }
        });
        for (String tenant : empty) {
            // Removed first, checked after: a start adds its tenant after its script, so one that
            // refilled the index meanwhile is either seen here or adds the tenant again itself.
            redis.srem(TenantKeys.INFLIGHT_TENANTS, tenant);
            if (redis.zcard(new TenantKeys(tenant).inflight()) > 0) {
                redis.sadd(TenantKeys.INFLIGHT_TENANTS, tenant);
            }
        }
        return byTenant;
    }

    /** The rules a claim applies; see {@code reconcile.lua}. */
    public record Rules(Duration margin, int maxStarts, Duration publishDeadline, long retentionSeconds) {}

    /**
     * Claims the due runs (ids by tenant), one script call per tenant, all in one round trip. A
     * tenant whose call Redis refused as a whole is left out (logged); the next pass tries again.
     */
    public List<Claim> claim(Map<String, List<String>> dueByTenant, Instant now, Rules rules) {
        List<String> tenants = new ArrayList<>(dueByTenant.keySet());
        List<List<String>> keys = new ArrayList<>(tenants.size());
        List<List<String>> args = new ArrayList<>(tenants.size());
        for (String tenant : tenants) {
            TenantKeys tenantKeys = new TenantKeys(tenant);
            List<String> ids = dueByTenant.get(tenant);
            List<String> k = new ArrayList<>(ids.size() + 1);
            k.add(tenantKeys.inflight());
            List<String> a = new ArrayList<>(ids.size() + 6);
            a.add(Long.toString(now.toEpochMilli()));
            a.add(Long.toString(rules.margin().toMillis()));
            a.add(Integer.toString(rules.maxStarts()));
            a.add(Long.toString(rules.publishDeadline().toMillis()));
            a.add(Long.toString(rules.retentionSeconds()));
            a.add(REQUEUED_MESSAGE);
            for (String id : ids) {
                k.add(tenantKeys.run(id));
                a.add(id);
            }
            keys.add(k);
            args.add(a);
        }
        List<Object> replies = RECONCILE.evalAll(redis, keys, args);
        List<Claim> claims = new ArrayList<>();
        for (int t = 0; t < tenants.size(); t++) {
            if (replies.get(t) instanceof RuntimeException e) {
                LOG.warn("cannot reconcile the in-flight runs of tenant {}: {}", tenants.get(t), e.toString());
                continue;
            }
            List<?> reply = (List<?>) replies.get(t);
            List<String> ids = dueByTenant.get(tenants.get(t));
            for (int i = 0; i < ids.size(); i++) {
                Action action = Action.values()[((Long) reply.get(3 * i)).intValue()];
                if (action != Action.NONE) {
                    claims.add(new Claim(tenants.get(t), ids.get(i), action,
                            Integer.parseInt((String) reply.get(3 * i + 1)), fields((List<?>) reply.get(3 * i + 2))));
                }
            }
        }
        return claims;
    }

    /**
     * Takes runs whose job Kafka acknowledged out of their tenants' indexes (ids by tenant), one
     * script call per tenant in one round trip; a run a worker started meanwhile stays.
     */
    public void published(Map<String, List<String>> runIdsByTenant) {
        if (runIdsByTenant.isEmpty()) {
            return;
        }
        List<List<String>> keys = new ArrayList<>(runIdsByTenant.size());
        List<List<String>> args = new ArrayList<>(runIdsByTenant.size());
        runIdsByTenant.forEach((tenant, ids) -> {
            TenantKeys tenantKeys = new TenantKeys(tenant);
            List<String> k = new ArrayList<>(ids.size() + 1);
            k.add(tenantKeys.inflight());
            ids.forEach(id -> k.add(tenantKeys.run(id)));
            keys.add(k);
            args.add(List.copyOf(ids));
        });
        for (Object reply : PUBLISHED.evalAll(redis, keys, args)) {
            if (reply instanceof RuntimeException e) {
                throw e;
            }
        }
    }

    private static Map<String, String> fields(List<?> flat) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return fields;
    }
}
