package io.trainyard.scheduler;

import io.trainyard.common.config.ConfigTable;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The scheduler process: configuration from the environment, then {@link SchedulerService} until SIGTERM. */
public final class SchedulerMain {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerMain.class);

    private SchedulerMain() {}

    public static void main(String[] args) throws InterruptedException {
        ConfigTable config;
        try {
            config = ConfigTable.load(SchedulerSettings.ALL, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // A scheduler that can no longer follow its partitions exits, so that it is restarted and
        // the group hands its schedules to the others meanwhile. exit() runs on its own thread:
        // the shutdown hook waits for the thread that failed.
        SchedulerService service;
        try {
            service = SchedulerService.start(config, InstantSource.system(),
                    () -> Thread.ofPlatform().start(() -> System.exit(1)));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("trainyard scheduler: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("scheduler {} started; operations on :{}", service.instanceId(), service.opsPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "scheduler-shutdown"));
        stopped.await();
    }
}
