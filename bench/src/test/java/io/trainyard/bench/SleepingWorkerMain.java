package io.trainyard.bench;

import io.trainyard.common.config.ConfigTable;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process for the scale-out workload: the standard worker, configured from the same
 * environment variables, whose NOOP jobs sleep {@code TRAINYARD_BENCH_SLEEP_MS} (default 50)
 * milliseconds. Stops gracefully on SIGTERM like {@code WorkerMain}.
 */
public final class SleepingWorkerMain {
    static final String SLEEP_ENV = "TRAINYARD_BENCH_SLEEP_MS";

    private SleepingWorkerMain() {}

    public static void main(String[] args) throws InterruptedException {
        long sleep = Long.parseLong(System.getenv().getOrDefault(SLEEP_ENV, "50"));
        Worker worker = Worker.start(ConfigTable.load(WorkerSettings.ALL, System.getenv()),
                List.of(new SleepingNoopKind(sleep)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "shutdown-hook"));
        stopped.await();
    }
}
