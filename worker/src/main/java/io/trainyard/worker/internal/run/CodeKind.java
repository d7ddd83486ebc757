package io.trainyard.worker.internal.run;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.resource.ResourceRecords;
import io.trainyard.worker.JobKind;
import io.trainyard.worker.Outcome;
import io.trainyard.worker.RunContext;
import io.trainyard.worker.internal.pipeline.StepFiles;
import io.trainyard.worker.internal.retry.PermanentFailure;
import io.trainyard.worker.internal.retry.RetryableFailure;
import io.trainyard.worker.internal.retry.RunFailure;
import io.trainyard.worker.internal.sandbox.ProcessResult;
import io.trainyard.worker.internal.sandbox.SandboxSpec;
import io.trainyard.worker.internal.sandbox.WarmProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * CODE: a Python script (a resource from the store, or inline in the job) run as
 * {@code python3 script.py} in the sandbox, with its output, exit code and pid recorded.
 */
final class CodeKind implements JobKind {
    static final String SCRIPT = "script.py";

    private final RunEnvironment environment;
    private final StepFiles stepFiles;

    public CodeKind(RunEnvironment environment) {
        this.environment = environment;
        this.stepFiles = new StepFiles(environment.redis(), new ResourceRecords(environment.redis(),
                environment.resources()), environment.clock());
    }

    @Override
    public JobType type() {
        return JobType.CODE;
    }

    @Override
    public Outcome run(RunContext context) throws RunFailure, InterruptedException {
        JobMessage job = context.job();
        byte[] script = script(job);
        Path workDir;
        try {
            workDir = context.workDir();
            Files.write(workDir.resolve(SCRIPT), script);
            stepFiles.prepare(job, workDir);
        } catch (IOException | UncheckedIOException e) {
            throw new RetryableFailure(job.tenant(), job.runId(), "cannot prepare the run directory: " + e.getMessage(), e);
        }
        // Every sandbox starts in the run's directory, so the relative name is valid in all of them.
        SandboxSpec spec = SandboxSpec.of(workDir, List.of(environment.python().toString(), SCRIPT), context.limits())
                .warm(WarmProfile.SCRIPT);
        Process process;
        try {
            process = environment.sandbox().start(spec);
        } catch (IOException e) {
            throw new RetryableFailure(job.tenant(), job.runId(), "cannot start the sandbox: " + e.getMessage(), e);
        }
        // Visible while it runs, for operators; false means another attempt owns the run already.
        context.progressIfReachable(Map.of("pID", Long.toString(process.pid())));
        ProcessResult result = environment.supervisor().supervise(process, spec.limits(), context.control());
        if (result.ending() == ProcessResult.Ending.EXITED && result.exitCode() != 0
                && result.stderr().startsWith("bwrap:")) {
            // The sandbox itself failed to set up: not the script's doing.
            throw new RetryableFailure(job.tenant(), job.runId(), "sandbox failed: " + result.stderr().strip());
        }
        Outcome outcome = Outcome.of(result, context.timeoutSeconds(),
                Map.of("sandbox", environment.sandbox().describe(process)));
        if (outcome.status() == RunStatus.COMPLETED && job.partOfPipeline()) {
            try {
                stepFiles.save(job, workDir);
            } catch (IOException | UncheckedIOException e) {
                throw new RetryableFailure(job.tenant(), job.runId(), "cannot keep the step's outputs: "
                        + e.getMessage(), e);
            }
        }
        return outcome;
    }

    private byte[] script(JobMessage job) throws RunFailure {
        if (job.script() != null) {
            return job.script().getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Files.readAllBytes(environment.resources().content(job.tenant(), job.projectId(), job.resourceId()));
        } catch (NoSuchFileException e) {
            throw new PermanentFailure(job.tenant(), job.runId(), "resource " + job.resourceId()
                    + " of project " + job.projectId() + " does not exist", e);
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure(job.tenant(), job.runId(), e.getMessage(), e);
        } catch (IOException e) {
            throw new RetryableFailure(job.tenant(), job.runId(), "cannot read resource " + job.resourceId()
                    + ": " + e.getMessage(), e);
        }
    }
}
