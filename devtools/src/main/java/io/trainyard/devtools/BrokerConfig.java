package io.trainyard.devtools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The server.properties of one local KRaft node (broker and controller in one process).
 *
 * @param nodeId this node's id
 * @param dir the node's directory: its config, logs and data
 * @param port the PLAINTEXT listener clients and the other brokers use
 * @param controllerPort the CONTROLLER listener
 * @param voters the static controller quorum ({@code id@host:port,...}), or null for a single node
 *     formatted {@code --standalone}
 * @param replication replicas of the broker's internal topics (consumer offsets, the share
 *     coordinator's state, transactions): the brokers there are, at most 3
 * @param extra properties that win over these (another listener, for example)
 */
record BrokerConfig(int nodeId, Path dir, int port, int controllerPort, String voters, int replication,
                    Map<String, String> extra) {

    static BrokerConfig single(Path dir, int port, int controllerPort, Map<String, String> extra) {
        return new BrokerConfig(1, dir, port, controllerPort, null, 1, extra);
    }

    boolean standalone() {
        return voters == null;
    }

    Path file() {
        return dir.resolve("server.properties");
    }

    void write() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(nodeId));
        if (standalone()) {
            p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        } else {
            p.setProperty("controller.quorum.voters", voters);
        }
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("num.partitions", "4");
        p.setProperty("auto.create.topics.enable", "false");
        // Internal topics replicated like Trainyard's own: without the share coordinator's state
        // topic share groups deliver nothing, and with it on one broker a broker loss stops them.
        String minIsr = Integer.toString(Math.min(2, replication));
        p.setProperty("default.replication.factor", Integer.toString(replication));
        p.setProperty("min.insync.replicas", minIsr);
        p.setProperty("offsets.topic.replication.factor", Integer.toString(replication));
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", Integer.toString(replication));
        p.setProperty("transaction.state.log.min.isr", minIsr);
        p.setProperty("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
        p.setProperty("share.coordinator.state.topic.min.isr", minIsr);
        p.setProperty("share.coordinator.state.topic.num.partitions", "4");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("group.share.heartbeat.interval.ms", "1000");
        p.setProperty("group.share.min.heartbeat.interval.ms", "1000");
        p.setProperty("group.share.session.timeout.ms", "10000");
        p.setProperty("group.share.min.session.timeout.ms", "6000");
        p.setProperty("group.consumer.heartbeat.interval.ms", "1000");
        p.setProperty("group.consumer.min.heartbeat.interval.ms", "1000");
        p.setProperty("group.consumer.session.timeout.ms", "10000");
        p.setProperty("group.consumer.min.session.timeout.ms", "6000");
        if (!standalone()) {
            // A dead broker is fenced, and its partitions led elsewhere, within 3 s rather than 9.
            p.setProperty("broker.heartbeat.interval.ms", "500");
            p.setProperty("broker.session.timeout.ms", "3000");
        }
        p.setProperty("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        extra.forEach(p::setProperty);
        try (var out = Files.newOutputStream(file())) {
            p.store(out, "Trainyard local broker " + nodeId);
        }
    }
}
