package io.trainyard.worker.run;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.worker.retry.PermanentFailure;
import io.trainyard.worker.retry.RetryableFailure;
import io.trainyard.worker.retry.RunFailure;
import io.trainyard.worker.sandbox.ProcessResult;
import io.trainyard.worker.sandbox.SandboxSpec;
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
public final class CodeKind implements JobKind {
    static final String SCRIPT = "script.py";

    private final RunEnvironment environment;

    public CodeKind(RunEnvironment environment) {
        this.environment = environment;
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
        } catch (IOException | UncheckedIOException e) {
            throw new RetryableFailure(job.tenant(), job.runId(), "cannot prepare the run directory: " + e.getMessage(), e);
        }
        // Every sandbox starts in the run's directory, so the relative name is valid in all of them.
        SandboxSpec spec = SandboxSpec.of(workDir, List.of(environment.python().toString(), SCRIPT), context.limits());
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
        return Outcome.of(result, context.timeoutSeconds(), Map.of("sandbox", environment.sandbox().name()));
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
