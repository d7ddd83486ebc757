package io.trainyard.scheduler.fire;

import java.util.Arrays;
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
    final List<FireLauncher.Due> dues;
    final FireOutcome[] outcomes;
    /** The run each fire would create (set when its claim is sent). */
    final String[] runIds;
    /** When a created run's claim was sent (its queuedAt), epoch ms. */
    final long[] claimedAt;
    /** Why Kafka did not take a created run's job. */
    final Throwable[] publishErrors;
    private final AtomicInteger open;
    private final Consumer<LaunchBatch> whenSettled;
    private final CompletableFuture<List<FireOutcome>> result = new CompletableFuture<>();

    LaunchBatch(List<FireLauncher.Due> dues, Consumer<LaunchBatch> whenSettled) {
        this.dues = dues;
        this.outcomes = new FireOutcome[dues.size()];
        this.runIds = new String[dues.size()];
        this.claimedAt = new long[dues.size()];
        this.publishErrors = new Throwable[dues.size()];
        this.open = new AtomicInteger(dues.size());
        this.whenSettled = whenSettled;
        if (dues.isEmpty()) {
            result.complete(List.of());
        }
    }

    int size() {
        return dues.size();
    }

    FireLauncher.Due due(int i) {
        return dues.get(i);
    }

    /** The fire made no run (or could not be claimed): its outcome is final. */
    void decided(int i, FireOutcome outcome) {
        outcomes[i] = outcome;
        release();
    }

    /** Every fire not yet settled gets {@code outcome}; for a batch that is never claimed. */
    void decideAll(FireOutcome outcome) {
        for (int i = 0; i < outcomes.length; i++) {
            decided(i, outcome);
        }
    }

    /** Kafka answered for the job of a created run: acknowledged when {@code error} is null. */
    void published(int i, Throwable error) {
        publishErrors[i] = error;
        outcomes[i] = error == null ? FireOutcome.LAUNCHED : FireOutcome.FAILED;
        release();
    }

    private void release() {
        // The atomic count orders every outcome written before it ahead of the last release.
        if (open.decrementAndGet() == 0) {
            whenSettled.accept(this);
        }
    }

    void complete() {
        result.complete(Arrays.asList(outcomes));
    }

    CompletionStage<List<FireOutcome>> result() {
        return result;
    }
}
