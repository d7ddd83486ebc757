package io.trainyard.ingress.submit;

import io.trainyard.common.kafka.KafkaSetup;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Trainyard's topics in the background, retrying until Kafka answers. The ingress starts
 * and serves reads while Kafka is still coming up; it reports not-ready until the topics exist,
 * and a submit meanwhile gets 503 rather than a hang.
 */
public final class TopicProvisioner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long RETRY_MILLIS = 2_000;

    private final Thread thread;
    private volatile boolean done;

    private TopicProvisioner(Admin admin, KafkaSetup.Layout layout) {
        this.thread = Thread.ofVirtual().name("topic-provisioner").unstarted(() -> run(admin, layout));
    }

    public static TopicProvisioner start(Admin admin, KafkaSetup.Layout layout) {
        TopicProvisioner provisioner = new TopicProvisioner(admin, layout);
        provisioner.thread.start();
        return provisioner;
    }

    private void run(Admin admin, KafkaSetup.Layout layout) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                KafkaSetup.ensureTopics(admin, layout);
                done = true;
                LOG.info("Kafka topics are in place");
                return;
            } catch (RuntimeException e) {
                LOG.warn("cannot create Kafka topics yet, retrying: {}", e.getMessage());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public boolean done() {
        return done;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
