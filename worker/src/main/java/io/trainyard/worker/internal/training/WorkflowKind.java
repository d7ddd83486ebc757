package io.trainyard.worker.internal.training;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.resource.ResourceRecords;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.training.InvalidWorkflowException;
import io.trainyard.common.training.WorkflowSpec;
import io.trainyard.worker.JobKind;
import io.trainyard.worker.Outcome;
import io.trainyard.worker.RunContext;
import io.trainyard.worker.internal.retry.RetryableFailure;
import io.trainyard.worker.internal.retry.RunFailure;
import io.trainyard.worker.internal.run.RunEnvironment;
import io.trainyard.worker.internal.sandbox.BubblewrapSandbox;
import io.trainyard.worker.internal.sandbox.ProcessResult;
import io.trainyard.worker.internal.sandbox.SandboxSpec;
import io.trainyard.worker.internal.sandbox.WarmPool;
import io.trainyard.worker.internal.sandbox.WarmProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.exceptions.JedisException;

/**
 * WORKFLOW: trains a workflow resource. Reads and validates the workflow, resolves its dataset
 * and preprocessing script, runs the training program in the job's sandbox while its stage shows
 * on the run, and on success saves the best model as a new MODEL resource of the project and
 * finishes COMPLETED with the trainer's metrics and the task's MLW properties.
 *
 * <p>Bad input (an invalid workflow, a missing resource, data the trainer refuses) is a FAILED
 * outcome naming the stage and the cause, never retried; only the machinery (sandbox, disk,
 * Redis) raises a {@link RetryableFailure}.
 */
public final class WorkflowKind implements JobKind {
    /** Inside the run's directory: the copies of the dataset and the script the trainer reads. */
    static final String INPUT_DIR = "input";

    private final RunEnvironment environment;
    private final Path program;
    private final ModelResources models;
    private final TrainerInvocation.Layout layout;

    /** {@code program}: the directory {@link TrainerProgram#extract} installed the trainer in. */
    public WorkflowKind(RunEnvironment environment, Path program) {
        this.environment = environment;
        this.program = program;
        this.models = new ModelResources(new ResourceRecords(environment.redis(), environment.resources()),
                environment.clock());
        this.layout = environment.sandbox() instanceof BubblewrapSandbox || environment.sandbox() instanceof WarmPool
                ? TrainerInvocation.Layout.MOUNTED : TrainerInvocation.Layout.HOST;
    }

    /** Found by {@code JobKinds.standard} through META-INF/services; installs the trainer under the worker's run root. */
    public static final class Provider implements JobKind.Provider {
        @Override
        public JobKind create(RunEnvironment environment) {
            return new WorkflowKind(environment, TrainerProgram.extractOrFail(environment.workRoot().resolve("trainer")));
        }
    }

    @Override
    public JobType type() {
        return JobType.WORKFLOW;
    }

    @Override
    public Outcome run(RunContext context) throws RunFailure, InterruptedException {
        JobMessage job = context.job();
        if (job.projectId() == null || job.resourceId() == null) {
            return failed("workflow", "the job names no projectId and resourceId of a workflow resource");
        }
        WorkflowSpec spec;
        TrainerInputs inputs;
        try {
            spec = withTaskTestSize(workflow(job), job, context);
            inputs = TrainerInputs.resolve(environment.resources(), job.tenant(), job.projectId(), spec);
        } catch (InvalidWorkflowException e) {
            return failed("workflow", e.getMessage());
        } catch (TrainingInputException e) {
            return Outcome.failed(e.getMessage());
        } catch (NoSuchFileException e) {
            return failed("workflow", "the workflow resource '" + job.resourceId() + "' does not exist in project '"
                    + job.projectId() + "'");
        } catch (IOException | UncheckedIOException e) {
            throw new RetryableFailure(job.tenant(), job.runId(), "cannot read the workflow: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            return failed("workflow", e.getMessage()); // an unsafe id in the job
        }
        Optional<String> version = models.version(job);
        if (version.isEmpty()) {
            return failed("workflow", "the workflow resource '" + job.resourceId() + "' or the run was deleted");
        }
        String modelId = Ids.next();
        TrainerInvocation invocation = prepare(context, spec, inputs, version.get(), modelId);
        Map<String, String> fields = new LinkedHashMap<>();
        long startedAt = environment.clock().millis();
        ProcessResult result = train(context, invocation, spec, fields);
        fields.put("pID", Long.toString(result.pid()));
        fields.put("exitCode", Integer.toString(result.exitCode()));
        startup(invocation, startedAt, fields);
        fields.put(WorkflowSpec.TASK_TEST_SIZE, Double.toString(spec.testSize()));
        TrainerReport report = report(invocation, result);
        String stage = report.progress().map(TrainerEvent.Progress::text).orElse("start");
        return switch (result.ending()) {
            case TIMED_OUT -> new Outcome(RunStatus.TIMED_OUT, "Timed out after " + context.timeoutSeconds()
                    + " s at " + stage, fields, result.stdout(), result.stderr());
            case STOPPED -> new Outcome(RunStatus.CANCELLED, "Cancelled while running (at " + stage + ")", fields,
                    result.stdout(), result.stderr());
            case EXITED -> result.exitCode() == 0 && report.succeeded()
                    ? completed(context, spec, report, invocation, modelId, fields, result)
                    : new Outcome(RunStatus.FAILED, report.failureMessage(result.describeExit()), fields,
                            result.stdout(), result.stderr());
        };
    }

    private WorkflowSpec workflow(JobMessage job) throws IOException {
        return WorkflowSpec.parse(Files.readAllBytes(
                environment.resources().content(job.tenant(), job.projectId(), job.resourceId())));
    }

    /** An MLW request's testSize, kept on the task, overrides the document's. */
    private WorkflowSpec withTaskTestSize(WorkflowSpec spec, JobMessage job, RunContext context) {
        String requested;
        try {
            requested = context.whenRedisAnswers(() -> environment.redis().hget(
                    new TenantKeys(job.tenant()).task(job.taskId()), WorkflowSpec.TASK_TEST_SIZE));
        } catch (JedisException e) {
            throw new UncheckedIOException(new IOException("Redis unavailable: " + e.getMessage(), e));
        }
        if (requested == null || requested.isBlank()) {
            return spec;
        }
        try {
            return spec.withTestSize(Double.parseDouble(requested));
        } catch (NumberFormatException e) {
            throw new InvalidWorkflowException("testSize", "the task's testSize is not a number: '" + requested + "'");
        }
    }

    private TrainerInvocation prepare(RunContext context, WorkflowSpec spec, TrainerInputs inputs, String version,
                                      String modelId) throws RetryableFailure {
        JobMessage job = context.job();
        try {
            Path workDir = context.workDir();
            return TrainerInvocation.builder(spec, inputs.copyInto(workDir.resolve(INPUT_DIR)))
                    .program(program)
                    .workDir(workDir)
                    .layout(layout)
                    .python(environment.python().toString())
                    .modelVersion(version)
                    .binaryPath(ModelResources.binaryPath(job.projectId(), modelId))
                    .prepare();
        } catch (IOException | UncheckedIOException e) {
            throw new RetryableFailure(job.tenant(), job.runId(), "cannot prepare the run directory: " + e.getMessage(), e);
        }
    }

    /** Runs the trainer; puts on {@code fields} which sandbox it ran in. */
    private ProcessResult train(RunContext context, TrainerInvocation invocation, WorkflowSpec workflow,
                                Map<String, String> fields) throws RetryableFailure, InterruptedException {
        JobMessage job = context.job();
        SandboxSpec spec = new SandboxSpec(context.workDir(), invocation.command(), Map.of(),
                invocation.readOnlyMounts(), context.limits(), WarmProfile.TRAINER);
        Process process;
        try {
            process = environment.sandbox().start(spec);
        } catch (IOException e) {
            throw new RetryableFailure(job.tenant(), job.runId(), "cannot start the sandbox: " + e.getMessage(), e);
        }
        fields.put("sandbox", environment.sandbox().describe(process));
        context.progressIfReachable(Map.of("pID", Long.toString(process.pid()), WorkflowSpec.TASK_TEST_SIZE,
                Double.toString(workflow.testSize())));
        ProcessResult result = environment.supervisor().supervise(process, spec.limits(),
                new TrainingProgress(context, invocation.eventsFile()));
        if (result.ending() == ProcessResult.Ending.EXITED && result.exitCode() != 0
                && result.stderr().startsWith("bwrap:")) {
            // The sandbox itself failed to set up: not the workflow's doing.
            throw new RetryableFailure(job.tenant(), job.runId(), "sandbox failed: " + result.stderr().strip());
        }
        return result;
    }

    /**
     * {@code dataReadAt}: when the trainer began to read the data (epoch ms); {@code trainerStartupMs}:
     * how long after the sandbox was asked for that was, i.e. the run's start-up (sandbox,
     * interpreter, imports).
     */
    private static void startup(TrainerInvocation invocation, long startedAt, Map<String, String> fields) {
        try {
            TrainerEvents.stageAt(Files.readString(invocation.eventsFile()), "read_data").ifPresent(at -> {
                fields.put("dataReadAt", Long.toString(at));
                fields.put("trainerStartupMs", Long.toString(Math.max(0, at - startedAt)));
            });
        } catch (IOException e) {
            // No events: the trainer never started, and there is no start-up to tell.
        }
    }

    /** The events file holds every event even when stdout was truncated; stdout is the fallback. */
    private static TrainerReport report(TrainerInvocation invocation, ProcessResult result) {
        try {
            TrainerReport report = TrainerReport.read(invocation.eventsFile());
            if (report.result().isPresent() || report.failure().isPresent()) {
                return report;
            }
        } catch (IOException e) {
            // Fall back to what stdout kept.
        }
        return TrainerReport.parse(result.stdout());
    }

    private Outcome completed(RunContext context, WorkflowSpec spec, TrainerReport report,
                              TrainerInvocation invocation, String modelId, Map<String, String> fields,
                              ProcessResult result) throws RetryableFailure {
        JobMessage job = context.job();
        TrainerEvent.Result trained = report.result().orElseThrow();
        if (context.control().stopped()) {
            // Stopped between the trainer's end and here: whatever the reason, register nothing.
            return new Outcome(RunStatus.CANCELLED, "Cancelled before the model was saved", fields,
                    result.stdout(), result.stderr());
        }
        Optional<Map<String, String>> model;
        try {
            model = models.save(job, spec, modelId, trained.version(), invocation.modelFile());
        } catch (IOException | UncheckedIOException | JedisException e) {
            throw new RetryableFailure(job.tenant(), job.runId(), "cannot save the model: " + e.getMessage(), e);
        }
        if (model.isEmpty()) {
            return new Outcome(RunStatus.FAILED, "Training failed at save: project '" + job.projectId()
                    + "' no longer exists", fields, result.stdout(), result.stderr());
        }
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.putAll(report.resultFields(spec));
        all.put("modelResourceID", modelId);
        String message = all.remove(TrainerReport.MESSAGE);
        return new Outcome(RunStatus.COMPLETED, message, all, result.stdout(), result.stderr());
    }

    private static Outcome failed(String stage, String cause) {
        return Outcome.failed("Training failed at " + stage + ": " + cause);
    }
}
