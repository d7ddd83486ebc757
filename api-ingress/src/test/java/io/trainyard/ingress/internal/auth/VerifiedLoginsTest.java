package io.trainyard.ingress.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class VerifiedLoginsTest {
    private static final Principal ALICE = new Principal("acme", "alice", Set.of(Role.ADMIN));
    private static final String HEADER = "Basic YWNtZS9hbGljZTpzZWNyZXQ=";

    private final AtomicLong now = new AtomicLong(1_000);
    private final VerifiedLogins logins = new VerifiedLogins(() -> Instant.ofEpochMilli(now.get()), 60_000);
    private final AtomicInteger checks = new AtomicInteger();

    @Test
    void aHeaderThatPassedIsNotCheckedAgainUntilItExpires() {
        Supplier<Optional<Principal>> check = counted(() -> Optional.of(ALICE));

        assertThat(logins.get(HEADER, check)).contains(ALICE);
        now.addAndGet(60_000);
        assertThat(logins.get(HEADER, check)).contains(ALICE);
        assertThat(checks).hasValue(1);

        now.addAndGet(1);
        assertThat(logins.get(HEADER, check)).contains(ALICE);
        assertThat(checks).hasValue(2);
    }

    @Test
    void aHeaderThatFailedIsCheckedEveryTime() {
        Supplier<Optional<Principal>> check = counted(Optional::empty);

        assertThat(logins.get(HEADER, check)).isEmpty();
        assertThat(logins.get(HEADER, check)).isEmpty();
        assertThat(checks).hasValue(2);
    }

    @Test
    void requestsArrivingDuringTheFirstCheckWaitForItInsteadOfCheckingThemselves() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Supplier<Optional<Principal>> slowCheck = counted(() -> {
            awaitQuietly(release);
            return Optional.of(ALICE);
        });
        ConcurrentLinkedQueue<Optional<Principal>> answers = new ConcurrentLinkedQueue<>();
        Thread first = Thread.ofPlatform().start(() -> answers.add(logins.get(HEADER, slowCheck)));
        await().atMost(Duration.ofSeconds(10)).until(() -> checks.get() == 1);

        List<Thread> others = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            others.add(Thread.ofPlatform().start(() -> answers.add(logins.get(HEADER, slowCheck))));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> others.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        release.countDown();
        first.join();
        for (Thread t : others) {
            t.join();
        }

        assertThat(answers).hasSize(9).containsOnly(Optional.of(ALICE));
        assertThat(checks).hasValue(1);
    }

    @Test
    void whileAnExpiredHeaderIsRecheckedOtherRequestsKeepItsPrincipal() throws Exception {
        logins.get(HEADER, counted(() -> Optional.of(ALICE)));
        now.addAndGet(60_001);
        CountDownLatch release = new CountDownLatch(1);
        Thread recheck = Thread.ofPlatform().start(() -> logins.get(HEADER, counted(() -> {
            awaitQuietly(release);
            return Optional.of(ALICE);
        })));
        await().atMost(Duration.ofSeconds(10)).until(() -> checks.get() == 2);

        assertThat(logins.get(HEADER, counted(Optional::empty))).contains(ALICE);
        assertThat(checks).hasValue(2);
        release.countDown();
        recheck.join();
    }

    private Supplier<Optional<Principal>> counted(Supplier<Optional<Principal>> check) {
        return () -> {
            checks.incrementAndGet();
            return check.get();
        };
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
