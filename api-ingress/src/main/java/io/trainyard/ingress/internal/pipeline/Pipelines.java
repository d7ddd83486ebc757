package io.trainyard.ingress.internal.pipeline;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.ops.EventLine;
import io.trainyard.common.pipeline.PipelineStatus;
import io.trainyard.common.pipeline.PipelineSteps;
import io.trainyard.common.pipeline.StepState;
import io.trainyard.ingress.TaskStore;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.submit.EventLog;
import io.trainyard.ingress.internal.submit.PublishFailedException;
import io.trainyard.ingress.internal.submit.RecordPublisher;
import io.trainyard.ingress.internal.submit.Recurrence;
import io.trainyard.ingress.internal.submit.SubmitRequest;
import io.trainyard.ingress.internal.submit.TaskRecords;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pipeline engine's ingress side, shared by the dialects: create a pipeline (each step a task
 * with one run, the pipeline's hash holding the graph), publish the jobs of the steps without
 * parents, read and cancel. Later steps are published by whoever records their last parent's end
 * (a worker, or the reconciler's sweep): see {@link PipelineSteps}.
 */
public final class Pipelines {
    public static final String DUPLICATE_MESSAGE = "Pipeline name already exists. Please provide another name";

    /** A pipeline as stored, with its steps' runs' statuses. */
    public record Loaded(Map<String, String> pipeline, List<String> runStatuses) {
        public List<String> steps() {
            String csv = pipeline.getOrDefault("steps", "");
            return csv.isEmpty() ? List.of() : List.of(csv.split(","));
        }
    }

    private final PipelineStore store;
    private final PipelineSteps steps;
    private final RecordPublisher jobs;
    private final long publishMillis;
    private final InstantSource clock;
    private final EventLog events;

    public Pipelines(PipelineStore store, PipelineSteps steps, RecordPublisher jobs, long publishMillis,
                     InstantSource clock, EventLog events) {
        this.store = store;
        this.steps = steps;
        this.jobs = jobs;
        this.publishMillis = publishMillis;
        this.clock = clock;
        this.events = events;
    }

    /** Stores the pipeline and queues its first steps; a 409 when the name is taken, 503 when Kafka does not take them. */
    public Loaded submit(PipelineRequest request) {
        long now = clock.millis();
        String pipelineId = Ids.next();
        Map<String, String> pipeline = new LinkedHashMap<>();
        pipeline.put("id", pipelineId);
        pipeline.put("name", request.name());
        pipeline.put("tenant", request.tenant());
        pipeline.put("status", PipelineStatus.RUNNING.name());
        pipeline.put("failurePolicy", request.failurePolicy().wire());
        pipeline.put("createdAt", Long.toString(now));
        pipeline.put("createdBy", request.createdBy());
        pipeline.put("dialect", request.dialect());
        pipeline.put("open", Integer.toString(request.graph().size()));
        List<String> names = new ArrayList<>();
        List<PipelineStore.StepRecords> records = new ArrayList<>();
        List<JobMessage> roots = new ArrayList<>();
        for (PipelineStep step : request.graph().steps()) {
            String taskId = Ids.next();
            String runId = Ids.next();
            SubmitRequest asTask = new SubmitRequest(request.tenant(), request.dialect(),
                    step.taskName() != null ? step.taskName() : request.name() + "/" + step.name(), step.type(), Recurrence.ONE_TIME, "", ZoneOffset.UTC, null,
                    null, step.projectId(), step.projectName(), step.resourceId(), step.timeoutSeconds(),
                    step.propertiesJson(), step.extra());
            Map<String, String> task = new LinkedHashMap<>(TaskRecords.task(taskId, asTask, now));
            task.put(RunRecord.PIPELINE_ID, pipelineId);
            task.put(RunRecord.STEP, step.name());
            Map<String, String> run = new LinkedHashMap<>(TaskRecords.run(runId, taskId, asTask, now));
            run.put(RunRecord.PIPELINE_ID, pipelineId);
            run.put(RunRecord.STEP, step.name());
            boolean ready = step.dependsOn().isEmpty();
            if (!ready) {
                run.put(RunRecord.MESSAGE, "Waiting for " + String.join(", ", step.dependsOn()));
            }
            JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, taskId, request.tenant(), step.type(),
                    step.projectId(), step.resourceId(), step.script(), step.timeoutSeconds(), 1, now, null, null, pipelineId,
                    step.name());
            String s = step.name();
            names.add(s);
            pipeline.put("s:" + s, (ready ? StepState.READY : StepState.WAITING).name());
            pipeline.put("p:" + s, Integer.toString(step.dependsOn().size()));
            pipeline.put("c:" + s, String.join(",", request.graph().children(s)));
            pipeline.put("d:" + s, String.join(",", step.dependsOn()));
            pipeline.put("r:" + s, runId);
            pipeline.put("k:" + s, taskId);
            pipeline.put("t:" + s, Topics.jobsTopicFor(step.type()));
            pipeline.put("j:" + s, new String(Json.write(job), java.nio.charset.StandardCharsets.UTF_8));
            records.add(new PipelineStore.StepRecords(s, task, run, ready));
            if (ready) {
                roots.add(job);
            }
        }
        pipeline.put("steps", String.join(",", names));
        Optional<String> holder = store.create(request.tenant(), request.name(), pipelineId, now, pipeline, records);
        if (holder.isPresent()) {
            throw ApiException.of(Problem.DUPLICATE_NAME, DUPLICATE_MESSAGE);
        }
        try {
            publish(roots);
        } catch (PublishFailedException e) {
            store.unsubmit(request.tenant(), request.name(), pipelineId, clock.millis(),
                    TaskStore.ROLLED_BACK_RUN_TTL_SECONDS);
            throw ApiException.unavailable("Kafka did not acknowledge the pipeline's first steps, so nothing was "
                    + "queued and the pipeline name is free again; try again shortly", 5, e);
        }
        steps.published(request.tenant(), pipelineId, roots.stream().map(JobMessage::step).toList());
        events.log(EventLine.of("pipeline submitted").with("pipeline", pipelineId).with("tenant", request.tenant())
                .with("steps", names.size()).with("dialect", request.dialect()));
        return find(request.tenant(), pipelineId).orElseThrow();
    }

    /** Publishes the jobs side by side, each waiting for its acknowledgement. */
    private void publish(List<JobMessage> roots) {
        if (roots.size() == 1) {
            JobMessage job = roots.getFirst();
            jobs.publish(Topics.jobsTopicFor(job.type()), job.runId(), Json.write(job), publishMillis);
            return;
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sent = new ArrayList<>();
            for (JobMessage job : roots) {
                sent.add(threads.submit(() -> jobs.publish(Topics.jobsTopicFor(job.type()), job.runId(),
                        Json.write(job), publishMillis)));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PublishFailedException failed) {
                throw failed;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while publishing the pipeline's first steps", 5, e);
        }
    }

    public Optional<Loaded> find(String tenant, String pipelineId) {
        return store.pipeline(tenant, pipelineId).map(p -> {
            List<String> runIds = new ArrayList<>();
            for (String s : p.getOrDefault("steps", "").split(",")) {
                if (!s.isEmpty()) {
                    runIds.add(p.get("r:" + s));
                }
            }
            return new Loaded(p, store.runStatuses(tenant, runIds));
        });
    }

    /** Cancels a pipeline; empty when there is no such pipeline. */
    public Optional<Loaded> cancel(String tenant, String pipelineId) {
        if (store.pipeline(tenant, pipelineId).isEmpty()) {
            return Optional.empty();
        }
        steps.cancel(tenant, pipelineId, clock.millis());
        events.log(EventLine.of("pipeline cancelled").with("pipeline", pipelineId).with("tenant", tenant));
        return find(tenant, pipelineId);
    }

    /** One page of a tenant's pipelines, newest first, and how many there are. */
    public record Page(List<Loaded> pipelines, long total) {}

    public Page list(String tenant, int pageSize, int currentPage) {
        List<Loaded> out = new ArrayList<>();
        for (String id : store.ids(tenant, (long) (currentPage - 1) * pageSize, pageSize)) {
            find(tenant, id).ifPresent(out::add);
        }
        return new Page(out, store.count(tenant));
    }
}
