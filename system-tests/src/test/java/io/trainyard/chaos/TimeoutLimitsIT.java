package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * A job's time limit: the worker's default when the job names none, the job's own otherwise, but
 * never more than the worker's maximum. (The job's own limit over HTTP: {@link CancelAndTimeoutIT}.)
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TimeoutLimitsIT {
    @TempDir
    Path dir;

    @Test
    void aJobWithoutALimitGetsTheDefaultAndALargerOneIsCappedAtTheMaximum() throws Exception {
        String tenant = "limits-" + Ids.next().substring(24);
        String unnamed = Ids.next();
        String tooLong = Ids.next();
        try (Worker worker = InProcessWorker.start("limits-worker", Files.createDirectories(dir.resolve("data")),
                Map.of(WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS, WorkerSettings.SLOTS.env(), "2",
                        WorkerSettings.DEFAULT_TIMEOUT_SECONDS.env(), "2", WorkerSettings.MAX_TIMEOUT_SECONDS.env(), "3"));
             JedisPooled redis = RealRedis.client();
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     "bootstrap.servers", RealKafka.broker().bootstrapServers(), "acks", "all"),
                     new StringSerializer(), new StringSerializer())) {
            for (String[] job : new String[][] {{unnamed, "0"}, {tooLong, "3600"}}) {
                JobMessage message = new JobMessage(JobMessage.SCHEMA_VERSION, job[0], "task-" + job[0], tenant,
                        JobType.CODE, null, null, "import time\ntime.sleep(600)\n", Long.parseLong(job[1]), 1,
                        System.currentTimeMillis());
                producer.send(new ProducerRecord<>(Topics.SCRIPT_JOBS, job[0], Json.writeString(message))).get();
            }
            Runs runs = new Runs(redis, tenant);
            runs.awaitEnded(List.of(unnamed, tooLong), Duration.ofSeconds(60));

            assertThat(runs.run(unnamed)).containsEntry("status", "TIMED_OUT")
                    .containsEntry("message", "Timed out after 2 s");
            assertThat(runs.run(tooLong)).containsEntry("status", "TIMED_OUT")
                    .containsEntry("message", "Timed out after 3 s");
        }
    }
}
