package io.trainyard.devtools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A real Redis Cluster on loopback: {@code primaries} primaries with one replica each, as
 * {@code redis-server --cluster-enabled yes} processes on free ports joined by
 * {@code redis-cli --cluster create}. Optionally over TLS with an ACL user ({@link RedisSecurity}).
 *
 * <p>The node timeout is 2 s, so a killed primary is replaced within a few seconds, and full
 * coverage is not required: while a primary is down only its slots refuse commands.
 */
public final class RedisCluster implements AutoCloseable {
    static final int NODE_TIMEOUT_MS = 2_000;

    private final List<RedisNode> nodes;
    private final RedisSecurity security;

    private RedisCluster(List<RedisNode> nodes, RedisSecurity security) {
        this.nodes = nodes;
        this.security = security;
    }

    /** Starts and joins the nodes; returns once every slot is served. {@code security} may be null. */
    public static RedisCluster start(Path dir, int primaries, RedisSecurity security) {
        List<RedisNode> nodes = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(nodes, security);
        try {
            for (int i = 0; i < primaries * 2; i++) {
                int port = FreePort.pick();
                nodes.add(RedisNode.server("redis-cluster-" + i, dir.resolve("node-" + i), port, security,
                        List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                                "--cluster-port", Integer.toString(FreePort.pick()),
                                "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MS),
                                "--cluster-require-full-coverage", "no")));
                nodes.getLast().start();
            }
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            RedisCli.run(nodes.getFirst().port(), security, create.toArray(String[]::new));
            cluster.awaitHealthy(Duration.ofSeconds(60));
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Seeds for a {@code redis-cluster://} URI: every node, {@code host:port,host:port,...}. */
    public String seeds() {
        return String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.port()).toList());
    }

    /** The URI the services take (with the user and {@code rediss} when secured). */
    public String uri() {
        return security == null ? "redis-cluster://" + seeds()
                : "rediss-cluster://" + security.credentials() + seeds();
    }

    public List<RedisNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The live primary that serves {@code key}'s slot, as a live node sees the cluster. */
    public RedisNode primaryOf(String key) {
        for (RedisNode node : nodes) {
            if (!node.isAlive()) {
                continue;
            }
            String slot = RedisCli.tryRun(node.port(), security, "cluster", "keyslot", key);
            String table = RedisCli.tryRun(node.port(), security, "cluster", "nodes");
            if (slot != null && table != null) {
                return servingPrimary(Integer.parseInt(slot.trim()), table).orElseThrow(
                        () -> new IllegalStateException("no live primary serves the slot of " + key));
            }
        }
        throw new IllegalStateException("no cluster node answers");
    }

    /**
     * From CLUSTER NODES ({@code id ip:port@bus flags primary ping pong epoch link slot...}): the
     * node flagged master, not failed, whose slot ranges hold {@code slot}.
     */
    private Optional<RedisNode> servingPrimary(int slot, String table) {
        for (String line : table.strip().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated
                }
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (from <= slot && slot <= to) {
                    int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                    return nodes.stream().filter(n -> n.port() == port && n.isAlive()).findFirst();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until the live nodes agree the cluster is OK, every slot has a live primary, and every
     * live replica is in sync with its primary.
     */
    public void awaitHealthy(Duration within) {
        await(within, "the cluster to serve every slot, its replicas in sync", () -> {
            int replicas = 0;
            int online = 0;
            for (RedisNode node : nodes) {
                if (!node.isAlive()) {
                    continue;
                }
                String info = RedisCli.tryRun(node.port(), security, "cluster", "info");
                String replication = RedisCli.tryRun(node.port(), security, "info", "replication");
                if (info == null || replication == null || !info.contains("cluster_state:ok")
                        || !info.contains("cluster_slots_ok:16384")) {
                    return false;
                }
                replicas += replication.contains("role:slave") ? 1 : 0;
                online += replication.split("state=online").length - 1;
            }
            return online == replicas;
        });
    }

    static void await(Duration within, String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + within + " waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisNode::close);
    }
}
