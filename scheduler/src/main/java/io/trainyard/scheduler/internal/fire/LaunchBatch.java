package io.trainyard.scheduler.internal.fire;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One timer's batch of due fires on its way through {@link QueuedRunLauncher}: what became of
 * each fire so far and how many are still open. The claim threads (a big batch is claimed in
 * several round trips, side by side) settle the fires that made no run, Kafka's acknowledgements
 * (on the producer's thread) the ones that did; whichever settles the last fire hands the batch
 * to {@code whenSettled}.
 */
final class LaunchBatch {
    /** One due fire of the batch and what became of it so far. */
    static final class Fire {
        final FireLauncher.Due due;
        /** The run the fire would create (set when its claim is sent). */
        String runId;
        /** When a created run's claim was sent (its queuedAt), epoch ms. */
        long claimedAt;
        FireOutcome outcome;
        /** Why Kafka did not take a created run's job. */
        Throwable publishError;

        Fire(FireLauncher.Due due) {
            this.due = due;
        }
    }

    private final List<Fire> fires;
    private final AtomicInteger open;
    private final Consumer<LaunchBatch> whenSettled;
    private final CompletableFuture<List<FireOutcome>> result = new CompletableFuture<>();

    LaunchBatch(List<FireLauncher.Due> dues, Consumer<LaunchBatch> whenSettled) {
        this.fires = dues.stream().map(Fire::new).toList();
        this.open = new AtomicInteger(dues.size());
        this.whenSettled = whenSettled;
        if (dues.isEmpty()) {
            result.complete(List.of());
        }
    }

    int size() {
        return fires.size();
    }

    Fire fire(int i) {
        return fires.get(i);
    }

    FireLauncher.Due due(int i) {
        return fires.get(i).due;
    }

    /** The fire made no run (or could not be claimed): its outcome is final. */
    void decided(int i, FireOutcome outcome) {
        fires.get(i).outcome = outcome;
        release();
    }

    /** Every fire not yet settled gets {@code outcome}; for a batch that is never claimed. */
    void decideAll(FireOutcome outcome) {
        for (int i = 0; i < fires.size(); i++) {
            decided(i, outcome);
        }
    }

    /** Kafka answered for the job of a created run: acknowledged when {@code error} is null. */
    void published(int i, Throwable error) {
        Fire fire = fires.get(i);
        fire.publishError = error;
        fire.outcome = error == null ? FireOutcome.LAUNCHED : FireOutcome.FAILED;
        release();
    }

    private void release() {
        // The atomic count orders every outcome written before it ahead of the last release.
        if (open.decrementAndGet() == 0) {
            whenSettled.accept(this);
        }
    }

    void complete() {
        result.complete(fires.stream().map(fire -> fire.outcome).toList());
    }

    CompletionStage<List<FireOutcome>> result() {
        return result;
    }
}
