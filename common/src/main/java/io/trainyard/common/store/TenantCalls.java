package io.trainyard.common.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;

/**
 * A batch of items of many tenants through one Lua script: one call per tenant (a tenant's keys
 * share a hash slot, so each call runs on one node), all in one round trip, each item answered
 * in order. The worker's starts and fenced writes and the scheduler's fire claims go this way.
 */
public final class TenantCalls {
    private TenantCalls() {}

    /** Writes one tenant's call: its keys and arguments before any item's, then each item's. */
    public interface Call<T, K> {
        void begin(String tenant, List<K> keys, List<K> args);

        void add(T item, List<K> keys, List<K> args);
    }

    /** Reads the answer of the {@code k}-th item of a tenant's call from the call's reply. */
    public interface Answer<T, R> {
        R of(T item, List<?> reply, int k);
    }

    /**
     * Runs {@code script} once per tenant of {@code items} and answers each item in order; every
     * item of a call Redis refused as a whole gets {@code failed}. With {@code inFlight}, the round
     * trip also adds the tenants to {@link TenantKeys#INFLIGHT_TENANTS}, after the scripts (so that
     * a reconciler that finds a tenant's index empty and drops the tenant sees the index again
     * when it checks). A lost connection throws (then any of the calls may or may not have run).
     */
    public static <T, K, R> List<R> run(UnifiedJedis redis, LuaScript script, LuaScript.Encoding<K> encoding,
                                        List<T> items, Function<T, String> tenantOf, Call<T, K> call,
                                        Answer<T, R> answer, Function<RuntimeException, R> failed, boolean inFlight) {
        List<List<Integer>> groups = byTenant(items, tenantOf);
        List<List<K>> keys = new ArrayList<>(groups.size());
        List<List<K>> args = new ArrayList<>(groups.size());
        String[] tenants = new String[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            List<Integer> group = groups.get(g);
            tenants[g] = tenantOf.apply(items.get(group.getFirst()));
            List<K> k = new ArrayList<>(group.size() + 1);
            List<K> a = new ArrayList<>(8 + 10 * group.size());
            call.begin(tenants[g], k, a);
            for (int i : group) {
                call.add(items.get(i), k, a);
            }
            keys.add(k);
            args.add(a);
        }
        List<Object> replies = script.evalAll(redis, encoding, keys, args, pipeline -> {
            if (inFlight) {
                pipeline.sadd(TenantKeys.INFLIGHT_TENANTS, tenants);
            }
        });
        List<R> answers = new ArrayList<>(Collections.nCopies(items.size(), null));
        for (int g = 0; g < groups.size(); g++) {
            List<Integer> group = groups.get(g);
            Object reply = replies.get(g);
            for (int k = 0; k < group.size(); k++) {
                T item = items.get(group.get(k));
                answers.set(group.get(k), reply instanceof RuntimeException e ? failed.apply(e)
                        : answer.of(item, (List<?>) reply, k));
            }
        }
        return answers;
    }

    /** The indexes of {@code items}, grouped by tenant in order of first appearance. */
    static <T> List<List<Integer>> byTenant(List<T> items, Function<T, String> tenant) {
        if (items.size() == 1) {
            return List.of(List.of(0));
        }
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            groups.computeIfAbsent(tenant.apply(items.get(i)), t -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(groups.values());
    }
}
