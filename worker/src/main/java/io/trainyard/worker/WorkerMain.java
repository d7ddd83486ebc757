package io.trainyard.worker;

import io.trainyard.common.config.ConfigTable;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * The worker process: reads its configuration from the environment, starts, and on SIGTERM or
 * SIGINT shuts down gracefully (see {@link Worker#close()}) and exits 0.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) throws InterruptedException {
        ConfigTable config;
        Worker worker;
        try {
            config = ConfigTable.load(WorkerSettings.ALL, System.getenv());
            worker = Worker.start(config);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("trainyard worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            worker.close();
            stopped.countDown();
        };
        // A signal handler rather than only a shutdown hook, so a graceful stop exits 0, not 143.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> Thread.ofPlatform().name("shutdown").start(stop));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "shutdown-hook"));
        stopped.await();
        System.exit(0);
    }
}
