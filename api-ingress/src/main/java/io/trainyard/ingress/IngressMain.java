package io.trainyard.ingress;

import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.kafka.KafkaMisconfiguredException;
import java.util.concurrent.CountDownLatch;

/** Starts the ingress from environment variables ({@link IngressSettings}) and runs until stopped. */
public final class IngressMain {
    private IngressMain() {}

    public static void main(String[] args) throws InterruptedException {
        ConfigTable config;
        try {
            config = ConfigTable.load(IngressSettings.ALL, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("trainyard ingress: " + e.getMessage());
            System.exit(2);
            return;
        }
        Ingress ingress;
        try {
            ingress = Ingress.start(config);
        } catch (IllegalArgumentException | KafkaMisconfiguredException e) {
            System.err.println("trainyard ingress: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ingress.close();
            stopped.countDown();
        }, "ingress-shutdown"));
        System.out.println("trainyard ingress listening on :" + ingress.port());
        stopped.await();
    }
}
