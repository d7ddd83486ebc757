package io.trainyard.devtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Sentinel-managed Redis on loopback: one primary, {@code replicas} replicas, and three
 * {@code redis-sentinel}s with a quorum of two, all on free ports; optionally over TLS with an
 * ACL user ({@link RedisSecurity}), which the replicas and the Sentinels use too. A primary that
 * stops answering is marked down after 1 s and replaced by a replica.
 */
public final class RedisSentinels implements AutoCloseable {
    public static final String MASTER = "trainyard";
    static final int DOWN_AFTER_MS = 1_000;

    private final List<RedisNode> servers = new ArrayList<>();
    private final List<RedisNode> sentinels = new ArrayList<>();
    private final RedisSecurity security;

    private RedisSentinels(RedisSecurity security) {
        this.security = security;
    }

    /** Starts the servers, then the Sentinels; returns once the Sentinels see every replica. */
    public static RedisSentinels start(Path dir, int replicas, RedisSecurity security) {
        RedisSentinels set = new RedisSentinels(security);
        try {
            int primaryPort = FreePort.pick();
            set.servers.add(RedisNode.server("redis-primary", dir.resolve("primary"), primaryPort, security, List.of()));
            for (int i = 0; i < replicas; i++) {
                set.servers.add(RedisNode.server("redis-replica-" + i, dir.resolve("replica-" + i), FreePort.pick(),
                        security, List.of("--replicaof", "127.0.0.1", Integer.toString(primaryPort))));
            }
            set.servers.forEach(RedisNode::start);
            RedisCluster.await(Duration.ofSeconds(60), "the replicas to be in sync", () -> {
                String info = RedisCli.tryRun(primaryPort, security, "info", "replication");
                return info != null && info.contains("connected_slaves:" + replicas)
                        && info.split("state=online").length == replicas + 1;
            });
            for (int i = 0; i < 3; i++) {
                Path sentinelDir = dir.resolve("sentinel-" + i);
                int port = FreePort.pick();
                Path conf = set.writeConfig(sentinelDir, port, primaryPort);
                set.sentinels.add(new RedisNode("redis-sentinel-" + i, sentinelDir, port,
                        List.of(Executables.require("redis-sentinel", "redis-sentinel"), conf.toString())));
                set.sentinels.getLast().start();
            }
            RedisCluster.await(Duration.ofSeconds(60), "the Sentinels to see " + replicas + " replicas and each other",
                    () -> set.sentinels.stream().allMatch(s -> sees(set.ask(s, "sentinel", "master", MASTER), replicas)));
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    private static boolean sees(String master, int replicas) {
        return master != null && master.contains("num-slaves\n" + replicas + "\n")
                && master.contains("num-other-sentinels\n2\n");
    }

    private Path writeConfig(Path sentinelDir, int port, int primaryPort) {
        StringBuilder c = new StringBuilder();
        c.append("bind 127.0.0.1\ndir ").append(sentinelDir).append('\n');
        c.append(security == null ? "port " + port + "\n" : String.join("\n",
                "port 0", "tls-port " + port, "tls-cert-file " + security.certificate(),
                "tls-key-file " + security.key(), "tls-ca-cert-file " + security.caCertificate(),
                "tls-auth-clients no", "tls-replication yes", "")).append('\n');
        c.append("sentinel monitor ").append(MASTER).append(" 127.0.0.1 ").append(primaryPort).append(" 2\n");
        c.append("sentinel down-after-milliseconds ").append(MASTER).append(' ').append(DOWN_AFTER_MS).append('\n');
        c.append("sentinel failover-timeout ").append(MASTER).append(" 10000\n");
        if (security != null) {
            c.append("user default off\nuser ").append(security.userRule()).append('\n');
            c.append("sentinel auth-user ").append(MASTER).append(' ').append(security.user()).append('\n');
            c.append("sentinel auth-pass ").append(MASTER).append(' ').append(security.password()).append('\n');
            c.append("sentinel sentinel-user ").append(security.user()).append('\n');
            c.append("sentinel sentinel-pass ").append(security.password()).append('\n');
        }
        try {
            Files.createDirectories(sentinelDir);
            Path conf = sentinelDir.resolve("sentinel.conf");
            Files.writeString(conf, c);
            return conf;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String ask(RedisNode node, String... command) {
        return node.isAlive() ? RedisCli.tryRun(node.port(), security, command) : null;
    }

    /** Sentinels for a {@code redis-sentinel://} URI: {@code host:port,host:port,host:port}. */
    public String sentinelAddresses() {
        return String.join(",", sentinels.stream().map(n -> "127.0.0.1:" + n.port()).toList());
    }

    /** The URI the services take (with the user and {@code rediss} when secured). */
    public String uri() {
        return (security == null ? "redis-sentinel://" : "rediss-sentinel://" + security.credentials())
                + sentinelAddresses() + "/" + MASTER;
    }

    /** The server a live Sentinel names as the primary now. */
    public RedisNode primary() {
        for (RedisNode sentinel : sentinels) {
            String address = ask(sentinel, "sentinel", "get-master-addr-by-name", MASTER);
            if (address != null) {
                int port = Integer.parseInt(address.strip().split("\\n")[1].trim());
                return servers.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
            }
        }
        throw new IllegalStateException("no Sentinel answers");
    }

    public List<RedisNode> servers() {
        return List.copyOf(servers);
    }

    @Override
    public void close() {
        sentinels.forEach(RedisNode::close);
        servers.forEach(RedisNode::close);
    }
}
