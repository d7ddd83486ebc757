package io.trainyard.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.Ids;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.store.RedisPools;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealRedisCluster;
import io.trainyard.devtools.RedisCluster;
import io.trainyard.ingress.TaskStore;
import io.trainyard.scheduler.internal.fire.FireLedger;
import io.trainyard.scheduler.internal.reconcile.InFlightRuns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.UnifiedJedis;

/**
 * The scheduler's scripts on a real Redis Cluster: fires of tenants on every primary claimed in
 * one pipeline (grouped by node), the cross-tenant set of tenants with in-flight runs in a slot of
 * its own, and the reconciler's claims, each script keeping its keys in its tenant's slot.
 */
@ExtendWith(RealRedisCluster.class)
class ClusterSlotsIT {
    private static final Instant FIRE = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void firesAndReconcilerClaimsOfTenantsOnEveryPrimary(RedisCluster cluster) {
        try (UnifiedJedis redis = RedisPools.open(ConfigTable.load(CommonSettings.REDIS,
                Map.of(CommonSettings.REDIS_URI.env(), cluster.uri())), 8)) {
            TaskStore tasks = new TaskStore(redis);
            FireLedger ledger = new FireLedger(redis);
            List<FireLedger.FireClaim> fires = new ArrayList<>();
            Set<Integer> primaries = new HashSet<>();
            String nonce = Ids.next().substring(24);
            for (int t = 0; t < 12; t++) {
                String tenant = "slots-" + nonce + "-" + t;
                String taskId = Ids.next();
                primaries.add(cluster.primaryOf(new TenantKeys(tenant).names()).port());
                tasks.submit(tenant, "hourly", 0, new HashMap<>(Map.of("id", taskId, "name", "hourly")), null);
                fires.add(new FireLedger.FireClaim(Schedules.cron(tenant, taskId, "@hourly", FIRE.minusSeconds(86_400),
                        OverlapPolicy.ALLOW, null), FIRE, Ids.next(), Duration.ofMinutes(15)));
            }
            assertThat(primaries).as("tenants on every primary").hasSize(3);

            List<FireLedger.Claim> claims = ledger.claimAll(fires, FIRE, "it");
            assertThat(claims).extracting(FireLedger.Claim::kind).containsOnly(FireLedger.Claim.Kind.CREATED);
            assertThat(ledger.lastFiresAt(fires.stream().map(FireLedger.FireClaim::schedule).toList()))
                    .allSatisfy(last -> assertThat(last).contains(FIRE));

            InFlightRuns inFlight = new InFlightRuns(redis);
            Map<String, List<String>> due = inFlight.due(Instant.now().plus(Duration.ofHours(1)), 100);
            Map<String, List<String>> ours = new LinkedHashMap<>();
            due.forEach((tenant, ids) -> {
                if (tenant.startsWith("slots-" + nonce)) {
                    ours.put(tenant, ids);
                }
            });
            assertThat(ours).as("every tenant's queued fire is in flight").hasSize(12);
            List<InFlightRuns.Claim> reconciled = inFlight.claim(ours, Instant.now().plus(Duration.ofHours(1)),
                    new InFlightRuns.Rules(Duration.ofSeconds(1), 3, Duration.ofSeconds(30), 3600));
            assertThat(reconciled).hasSize(12).extracting(InFlightRuns.Claim::action)
                    .containsOnly(InFlightRuns.Action.PUBLISH);
            ledger.published(ours);
            assertThat(inFlight.due(Instant.now().plus(Duration.ofHours(1)), 100).keySet())
                    .noneMatch(tenant -> tenant.startsWith("slots-" + nonce));
        }
    }
}
