package io.trainyard.common.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.HostAndPort;

/**
 * Where Redis is and how to reach it, read from {@code TRAINYARD_REDIS_URI}. The scheme names the
 * topology, an {@code s} after {@code redis} turns TLS on:
 * <ul>
 *   <li>{@code redis://[user:password@]host:port[/db]}: one server (or a proxy);</li>
 *   <li>{@code redis-cluster://[user:password@]host:port,host:port,...}: a Redis Cluster, any of
 *       its nodes as seeds;</li>
 *   <li>{@code redis-sentinel://[user:password@]host:port,host:port,.../master}: the primary that
 *       the named Sentinels watch under {@code master}; the Sentinels take the same credentials
 *       and TLS as the data nodes.</li>
 * </ul>
 */
public record RedisEndpoint(Topology topology, List<HostAndPort> nodes, String user, String password,
                            int database, boolean tls, String master) {
    public enum Topology { SINGLE, CLUSTER, SENTINEL }

    public RedisEndpoint {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no Redis host");
        }
        if (topology == Topology.SINGLE && nodes.size() > 1) {
            throw new IllegalArgumentException("several hosts need redis-cluster:// or redis-sentinel://");
        }
        if (topology == Topology.SENTINEL && (master == null || master.isEmpty())) {
            throw new IllegalArgumentException("redis-sentinel:// needs the master's name as its path, e.g. /trainyard");
        }
        if (topology == Topology.CLUSTER && database != 0) {
            throw new IllegalArgumentException("a Redis Cluster has database 0 only");
        }
    }

    /** Parses a URI of one of the forms above; the message of the exception names what is wrong. */
    public static RedisEndpoint parse(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("not a Redis URI: " + redacted(uri));
        }
        String scheme = uri.substring(0, schemeEnd);
        boolean tls = scheme.startsWith("rediss");
        Topology topology = switch (scheme) {
            case "redis", "rediss" -> Topology.SINGLE;
            case "redis-cluster", "rediss-cluster" -> Topology.CLUSTER;
            case "redis-sentinel", "rediss-sentinel" -> Topology.SENTINEL;
            default -> throw new IllegalArgumentException("unknown Redis scheme " + scheme
                    + "; use redis, rediss, redis-cluster, rediss-cluster, redis-sentinel or rediss-sentinel");
        };
        String rest = uri.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String credentials = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = credentials.indexOf(':');
            user = decode(colon < 0 ? credentials : credentials.substring(0, colon));
            password = colon < 0 ? null : decode(credentials.substring(colon + 1));
            if (user.isEmpty()) {
                user = null; // redis://:password@host: the default user
            }
        }
        List<HostAndPort> nodes = new ArrayList<>();
        for (String node : authority.split(",")) {
            nodes.add(hostAndPort(node.trim(), topology == Topology.SENTINEL ? 26379 : 6379, uri));
        }
        int database = 0;
        String master = null;
        if (topology == Topology.SENTINEL) {
            master = path;
        } else if (!path.isEmpty()) {
            try {
                database = Integer.parseInt(path);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the path of a Redis URI is a database number: " + redacted(uri));
            }
        }
        return new RedisEndpoint(topology, nodes, user, password, database, tls, master);
    }

    private static HostAndPort hostAndPort(String node, int defaultPort, String uri) {
        int colon = node.lastIndexOf(':');
        String host = colon < 0 ? node : node.substring(0, colon);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("a Redis host is empty in " + redacted(uri));
        }
        try {
            return new HostAndPort(host, colon < 0 ? defaultPort : Integer.parseInt(node.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + redacted(uri));
        }
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    /** The URI without its password, for messages. */
    static String redacted(String uri) {
        return uri.replaceAll("://([^:@/]*):[^@/]*@", "://$1:***@");
    }

    /** The endpoint as messages show it: no password. */
    @Override
    public String toString() {
        String scheme = (tls ? "rediss" : "redis") + switch (topology) {
            case SINGLE -> "";
            case CLUSTER -> "-cluster";
            case SENTINEL -> "-sentinel";
        };
        StringBuilder s = new StringBuilder(scheme).append("://");
        if (user != null) {
            s.append(user).append('@');
        }
        s.append(String.join(",", nodes.stream().map(HostAndPort::toString).toList()));
        if (master != null) {
            s.append('/').append(master);
        }
        return s.toString();
    }
}
