package io.trainyard.worker.internal.training;

import io.trainyard.worker.RunContext;
import io.trainyard.worker.internal.sandbox.ProcessSupervisor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Watches a running trainer for the supervisor: the run's own heartbeat (lease renewal, cancel
 * flag), then the trainer's events file, whose latest stage goes on the run as {@code progress}
 * ("read data", "preprocess", "fit 2 of 3 (svm)", "save model") whenever it changes.
 */
final class TrainingProgress implements ProcessSupervisor.Watch {
    private final RunContext context;
    private final Path eventsFile;
    private String shown;

    TrainingProgress(RunContext context, Path eventsFile) {
        this.context = context;
        this.eventsFile = eventsFile;
    }

    @Override
    public CompletableFuture<?> stopRequested() {
        return context.control().stopRequested();
    }

    @Override
    public Duration heartbeatInterval() {
        return context.control().heartbeatInterval();
    }

    @Override
    public void output(String stdout, String stderr) {
        context.control().output(stdout, stderr);
    }

    @Override
    public void heartbeat() {
        context.control().heartbeat();
        if (context.control().stopped()) {
            return;
        }
        TrainerReport report;
        try {
            report = TrainerReport.read(eventsFile);
        } catch (IOException e) {
            return; // the next beat reads it again
        }
        String stage = report.progress().map(TrainerEvent.Progress::text).orElse(null);
        if (stage == null || stage.equals(shown)) {
            return;
        }
        try {
            context.progress(report.progressFields());
            shown = stage;
        } catch (JedisException e) {
            // Redis is away: the trainer goes on; the next beat writes the stage it has reached.
        }
    }
}
