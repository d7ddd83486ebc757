package io.trainyard.common.testing;

import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Before each test class, moves the worker group past the jobs earlier classes left in the job
 * topics of the JVM's shared broker ({@link RealKafka}): a chaos scenario may leave jobs that sleep
 * for minutes, and a later class's worker of one slot would run one of them instead of its own.
 * Registered for every class of a module through JUnit's extension auto-detection. When workers of
 * an earlier class are still in the group after the bound, the class starts as it would without.
 */
public final class FreshWorkerGroup implements BeforeAllCallback {
    private static final Duration EMPTY_GROUP_WAIT = Duration.ofSeconds(20);

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!RealKafka.started()) {
            return; // a fresh broker holds no earlier job
        }
        try (Admin admin = RealKafka.admin()) {
            long skipped = ShareGroupStart.skipWorkerJobs(admin, EMPTY_GROUP_WAIT);
            if (skipped > 0) {
                System.out.println(context.getDisplayName() + ": the worker group starts past " + skipped
                        + " earlier record(s)");
            }
        } catch (ConditionTimeoutException e) {
            System.out.println(context.getDisplayName() + ": workers of an earlier class are still in the worker"
                    + " group; starting without moving it");
        }
    }
}
