package io.trainyard.common.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.Priority;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Flow control in Redis ({@code flow.lua}): which jobs may start now, and the parked jobs that
 * may run again. Jobs held back are parked in Redis, never in a worker: a paused tenant's or job
 * type's jobs in a list per pause, rate-limited jobs by the time their token was reserved for,
 * jobs over their key's concurrency limit in a list per key. Every hand-back ({@link #release},
 * {@link #resume}, {@link #due}) answers jobs the caller publishes (to {@link #topicOf}) and then
 * reports with {@link #published}; until then the reconciler would publish them after the deadline.
 */
public final class FlowStore {
    private static final LuaScript FLOW = LuaScript.load("flow");

    /** What the admission decided for one job. */
    public enum Admission {
        START, PAUSED, DELAYED, WAITING;

        public boolean parked() {
            return this != START;
        }
    }

    /** A job handed back to be published: its run, its topic, its message byte for byte. */
    public record Release(String tenant, String runId, String topic, byte[] message) {}

    private final UnifiedJedis redis;
    private final FlowLimits limits;
    private final InstantSource clock;

    public FlowStore(UnifiedJedis redis, FlowLimits limits, InstantSource clock) {
        this.redis = redis;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Admits a batch of jobs: each starts now or is parked. {@code messages} are the jobs' records,
     * kept byte for byte when parked. A tenant whose jobs of the batch have no concurrency key is
     * first asked whether it has anything to check at all ({@code probe}: one small script call
     * per tenant, one round trip for the batch); only the others' jobs, and the jobs of a tenant
     * that has, go to {@code admit} with their keys and messages (a second round trip).
     */
    public List<Admission> admit(List<JobMessage> jobs, List<byte[]> messages) {
        Map<String, List<Integer>> byTenant = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            byTenant.computeIfAbsent(jobs.get(i).tenant(), t -> new ArrayList<>()).add(i);
        }
        String now = Long.toString(clock.millis());
        Admission[] out = new Admission[jobs.size()];
        Map<String, List<Integer>> toAdmit = new LinkedHashMap<>(byTenant);
        List<String> probed = byTenant.entrySet().stream()
                .filter(t -> t.getValue().stream().allMatch(i -> jobs.get(i).concurrencyKey() == null))
                .map(Map.Entry::getKey).toList();
        if (!probed.isEmpty()) {
            List<List<String>> keys = new ArrayList<>();
            List<List<String>> args = new ArrayList<>();
            for (String tenant : probed) {
                keys.add(tenantKeys(tenant));
                args.add(List.of("probe", now, Long.toString(limits.publishDeadlineMs()),
                        Double.toString(limits.tenantRate())));
            }
            List<Object> replies = FLOW.evalAll(redis, keys, args);
            for (int t = 0; t < probed.size(); t++) {
                if (replies.get(t) instanceof JedisException e) {
                    throw e;
                }
                if (Long.valueOf(1).equals(replies.get(t))) {
                    for (int i : toAdmit.remove(probed.get(t))) {
                        out[i] = Admission.START;
                    }
                }
            }
        }
        if (!toAdmit.isEmpty()) {
            admitChecked(jobs, messages, toAdmit, now, out);
        }
        return List.of(out);
    }

    private static List<String> tenantKeys(String tenant) {
        FlowKeys flow = new FlowKeys(tenant);
        return new ArrayList<>(List.of(flow.policy(), new TenantKeys(tenant).inflight(), flow.delayed(),
                flow.bucket(FlowKeys.WHOLE_QUEUE)));
    }

    /** {@code admit} for the jobs of {@code byTenant}, one script call per tenant; fills in {@code out}. */
    private void admitChecked(List<JobMessage> jobs, List<byte[]> messages, Map<String, List<Integer>> byTenant,
                              String now, Admission[] out) {
        List<List<String>> keys = new ArrayList<>();
        List<List<String>> args = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> tenant : byTenant.entrySet()) {
            FlowKeys flow = new FlowKeys(tenant.getKey());
            TenantKeys runs = new TenantKeys(tenant.getKey());
            List<String> k = tenantKeys(tenant.getKey());
            List<String> a = new ArrayList<>(List.of("admit", now, Long.toString(limits.publishDeadlineMs()),
                    Long.toString(limits.reservationMs()), Integer.toString(limits.concurrencyPerKey()),
                    Double.toString(limits.tenantRate()), Double.toString(limits.keyRate())));
            for (int i : tenant.getValue()) {
                JobMessage job = jobs.get(i);
                String key = job.concurrencyKey() == null ? "" : job.concurrencyKey();
                String perKey = key.isEmpty() ? "-" : key;
                k.addAll(List.of(runs.run(job.runId()), flow.paused(FlowKeys.WHOLE_QUEUE), flow.paused(job.type().name()),
                        flow.holders(perKey), flow.waiting(perKey), flow.bucket(perKey)));
                a.addAll(List.of(job.runId(), job.type().name(), key, new String(messages.get(i), StandardCharsets.UTF_8)));
            }
            keys.add(k);
            args.add(a);
        }
        List<Object> replies = FLOW.evalAll(redis, keys, args);
        List<String> parkedTenants = new ArrayList<>();
        int t = 0;
        for (Map.Entry<String, List<Integer>> tenant : byTenant.entrySet()) {
            Object reply = replies.get(t++);
            if (reply instanceof JedisException e) {
                throw e;
            }
            List<?> verdicts = (List<?>) reply;
            boolean parked = false;
            for (int j = 0; j < verdicts.size(); j++) {
                Admission admission = Admission.values()[((Long) verdicts.get(j)).intValue()];
                out[tenant.getValue().get(j)] = admission;
                parked |= admission.parked();
            }
            if (parked) {
                parkedTenants.add(tenant.getKey());
            }
        }
        if (!parkedTenants.isEmpty()) {
            redis.sadd(FlowKeys.TENANTS, parkedTenants.toArray(String[]::new));
        }
    }

    /**
     * Frees {@code runId}'s slot of {@code key} ({@code runId} null: only drops stale holders) and
     * promotes waiting jobs into the free slots, oldest first. Promoted jobs go to the high
     * priority topic: they waited their turn already.
     */
    public List<Release> release(String tenant, String key, String runId) {
        FlowKeys flow = new FlowKeys(tenant);
        return handBack(tenant, List.of(flow.holders(key), flow.waiting(key)), "release",
                List.of(Long.toString(limits.reservationMs()), Integer.toString(limits.concurrencyPerKey()), key,
                        runId == null ? "" : runId), Priority.HIGH);
    }

    /** Lifts a pause of {@code type}'s jobs (null: of the tenant's whole queue); its jobs, oldest first. */
    public List<Release> resume(String tenant, JobType type) {
        String scope = scope(type);
        return handBack(tenant, List.of(new FlowKeys(tenant).paused(scope)), "resume", List.of("paused:" + scope), null);
    }

    /**
     * The rate-limited jobs of {@code tenant} whose time came, at most {@code max}, earliest first.
     * They go to the high priority topic: their token is spent for now, and on their own topic they
     * would queue behind the very backlog that was parked with them (each job due in the meantime
     * would start late, and all of them at once when the worker reached them).
     */
    public List<Release> due(String tenant, int max) {
        return handBack(tenant, List.of(), "due", List.of(Integer.toString(max)), Priority.HIGH);
    }

    private List<Release> handBack(String tenant, List<String> moreKeys, String mode, List<String> moreArgs,
                                   Priority priority) {
        FlowKeys flow = new FlowKeys(tenant);
        List<String> keys = new ArrayList<>(List.of(flow.policy(), new TenantKeys(tenant).inflight(), flow.delayed()));
        keys.addAll(moreKeys);
        List<String> args = new ArrayList<>(List.of(mode, Long.toString(clock.millis()),
                Long.toString(limits.publishDeadlineMs())));
        args.addAll(moreArgs);
        List<Release> out = new ArrayList<>();
        for (Object job : (List<?>) FLOW.eval(redis, keys, args)) {
            byte[] message = job instanceof byte[] bytes ? bytes : job.toString().getBytes(StandardCharsets.UTF_8);
            JsonNode decoded = tree(message);
            Priority at = priority != null ? priority : Priority.parseOrNormal(decoded.path("priority").textValue());
            JobType type = JobType.valueOf(decoded.path("type").asText(JobType.CODE.name()));
            out.add(new Release(tenant, decoded.path("runId").asText(), Topics.jobsTopicFor(type, at), message));
        }
        return out;
    }

    private static JsonNode tree(byte[] message) {
        try {
            return Json.MAPPER.readTree(message);
        } catch (IOException e) {
            // Only messages a worker decoded are ever parked.
            throw new UncheckedIOException("a parked job message is not JSON", e);
        }
    }

    /** Jobs handed back reached Kafka: the reconciler need not publish them. */
    public void published(List<Release> releases) {
        for (Release r : releases) {
            redis.zrem(new TenantKeys(r.tenant()).inflight(), r.runId());
        }
    }

    /** Pauses {@code type}'s jobs of {@code tenant} (null: its whole queue). */
    public void pause(String tenant, JobType type) {
        redis.hset(new FlowKeys(tenant).policy(), "paused:" + scope(type), Long.toString(clock.millis()));
    }

    /** Stores {@code key}'s concurrency limit (null: back to the default). */
    public void limit(String tenant, String key, Integer runs) {
        set(tenant, "limit:" + key, runs == null ? null : Integer.toString(runs));
    }

    /** Stores the jobs per second of {@code key} ({@link FlowKeys#WHOLE_QUEUE}: the tenant's); null: the default. */
    public void rate(String tenant, String key, Double perSecond) {
        set(tenant, "rate:" + key, perSecond == null ? null : Double.toString(perSecond));
    }

    private void set(String tenant, String field, String value) {
        if (value == null) {
            redis.hdel(new FlowKeys(tenant).policy(), field);
        } else {
            redis.hset(new FlowKeys(tenant).policy(), field, value);
        }
    }

    /** The tenant's stored policy: {@code paused:*}, {@code paused:<TYPE>}, {@code limit:<key>}, {@code rate:<key>}. */
    public Map<String, String> policy(String tenant) {
        return redis.hgetAll(new FlowKeys(tenant).policy());
    }

    /** Runs holding slots of {@code key} and jobs waiting for one. */
    public record KeyState(long running, long waiting) {}

    public KeyState keyState(String tenant, String key) {
        FlowKeys flow = new FlowKeys(tenant);
        return new KeyState(redis.zcard(flow.holders(key)), redis.llen(flow.waiting(key)));
    }

    /** Jobs parked by a pause of {@code type} (null: the whole queue). */
    public long pausedJobs(String tenant, JobType type) {
        return redis.llen(new FlowKeys(tenant).paused(scope(type)));
    }

    /** Tenants with parked jobs, and of one such tenant the keys with waiting jobs: for the sweep. */
    public Set<String> parkedTenants() {
        return redis.smembers(FlowKeys.TENANTS);
    }

    public Set<String> waitingKeys(String tenant) {
        return redis.smembers(new FlowKeys(tenant).waitingKeys());
    }

    private static String scope(JobType type) {
        return type == null ? FlowKeys.WHOLE_QUEUE : type.name();
    }
}
