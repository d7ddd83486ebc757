package io.trainyard.ingress.internal.submit;

import io.trainyard.common.kafka.KafkaMisconfiguredException;
import io.trainyard.common.kafka.KafkaSetup;
import io.trainyard.common.kafka.TopicLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and checks Trainyard's topics in the background, retrying until Kafka answers. The
 * ingress starts and serves reads while Kafka is still coming up; it reports not-ready until the
 * topics exist, and a submit meanwhile gets 503 rather than a hang. A Kafka that answers but
 * refuses the credentials or has topics laid out short of the settings is not retried
 * ({@link KafkaMisconfiguredException}): the ingress refuses to start when that is the first answer.
 */
public final class TopicProvisioner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long RETRY_MILLIS = 2_000;

    private final Thread thread;
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private volatile boolean done;
    private volatile KafkaMisconfiguredException refused;

    private TopicProvisioner(Admin admin, TopicLayout layout) {
        this.thread = Thread.ofVirtual().name("topic-provisioner").unstarted(() -> run(admin, layout));
    }

    public static TopicProvisioner start(Admin admin, TopicLayout layout) {
        TopicProvisioner provisioner = new TopicProvisioner(admin, layout);
        provisioner.thread.start();
        return provisioner;
    }

    private void run(Admin admin, TopicLayout layout) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                KafkaSetup.ensureTopics(admin, layout);
                done = true;
                LOG.info("Kafka topics are in place");
                return;
            } catch (KafkaMisconfiguredException e) {
                refused = e;
                LOG.error("{}", e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.warn("cannot create Kafka topics yet, retrying: {}", e.getMessage());
            } finally {
                firstAttempt.countDown();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Waits up to {@code atMost} for the first attempt's outcome; throws if Kafka refused the
     * service or its layout. An attempt still waiting for Kafka then goes on in the background.
     */
    public void awaitFirstAttempt(Duration atMost) {
        try {
            firstAttempt.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (refused != null) {
            throw refused;
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
