package io.trainyard.ingress.internal.chorus;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Moves every Chorus job's run on ({@link Jobs#advance}) every {@link #PERIOD}, so that a job's
 * next task starts shortly after the one before it completed, and a scheduled fire becomes a
 * job run, whether or not anyone reads the job.
 */
final class JobSweeper implements AutoCloseable {
    static final Duration PERIOD = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(JobSweeper.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("chorus-jobs").daemon().factory());

    JobSweeper(UnifiedJedis redis, Jobs jobs) {
        thread.scheduleWithFixedDelay(() -> {
            try {
                for (String member : redis.smembers(Jobs.ALL)) {
                    int slash = member.indexOf('/');
                    try {
                        jobs.advance(member.substring(0, slash), member.substring(slash + 1));
                    } catch (RuntimeException e) {
                        LOG.warn("Chorus job {} did not move on: {}", member, e.toString());
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("Chorus jobs are not looked at this time (Redis: {})", e.toString());
            }
        }, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
