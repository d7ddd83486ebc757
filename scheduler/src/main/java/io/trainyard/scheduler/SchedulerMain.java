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
        SchedulerService service = SchedulerService.start(config, InstantSource.system());
        LOG.info("scheduler {} started; operations on :{}", service.instanceId(), service.opsPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "scheduler-shutdown"));
        stopped.await();
    }
}
