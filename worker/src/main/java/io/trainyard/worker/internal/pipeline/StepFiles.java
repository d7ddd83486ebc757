package io.trainyard.worker.internal.pipeline;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.pipeline.PipelineKeys;
import io.trainyard.common.resource.ResourceKind;
import io.trainyard.common.resource.ResourceRecords;
import io.trainyard.common.store.TenantKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import redis.clients.jedis.UnifiedJedis;

/**
 * What pipeline steps hand each other. A step of a script finds, in its run directory,
 * {@code inputs/<parent>/} with each parent's outputs (and a parent training's saved model), and
 * an empty {@code outputs/}; when it completes, each regular file it wrote to {@code outputs/}
 * (not a link; a plain name; at most {@link #MAX_OUTPUT_BYTES}) becomes a resource of its project
 * (kind by extension, DATA otherwise; with the pipeline, step and run recorded), and the step's
 * resources are listed in its pipeline ({@code o:<step>}).
 */
public final class StepFiles {
    public static final String INPUTS = "inputs";
    public static final String OUTPUTS = "outputs";
    /** Files of one step's outputs kept as resources; beyond that they are left out. */
    public static final int MAX_OUTPUT_FILES = 100;
    /** The largest output file kept; larger ones are left out. */
    public static final long MAX_OUTPUT_BYTES = 64L << 20;
    private static final java.util.regex.Pattern SAFE_NAME = java.util.regex.Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final UnifiedJedis redis;
    private final ResourceRecords records;
    private final InstantSource clock;

    public StepFiles(UnifiedJedis redis, ResourceRecords records, InstantSource clock) {
        this.redis = redis;
        this.records = records;
        this.clock = clock;
    }

    /** Before the step runs: its parents' outputs under {@code inputs/<parent>/}, and an empty {@code outputs/}. */
    public void prepare(JobMessage job, Path workDir) throws IOException {
        if (!job.partOfPipeline()) {
            return;
        }
        Files.createDirectories(workDir.resolve(OUTPUTS));
        String pipeline = new PipelineKeys(job.tenant()).pipeline(job.pipelineId());
        String parents = redis.hget(pipeline, "d:" + job.step());
        if (parents == null || parents.isEmpty()) {
            return;
        }
        for (String parent : parents.split(",")) {
            Path into = Files.createDirectories(workDir.resolve(INPUTS).resolve(parent));
            for (String resourceId : resourcesOf(job.tenant(), pipeline, parent)) {
                var resource = records.find(job.tenant(), resourceId);
                if (resource.isEmpty()) {
                    continue; // deleted since
                }
                Map<String, String> r = resource.get();
                try {
                    Files.copy(records.content(job.tenant(), r.get(ResourceRecords.PROJECT_ID), resourceId),
                            into.resolve(r.get(ResourceRecords.NAME)), StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException e) {
                    // deleted since
                }
            }
        }
    }

    /** The output resources of {@code step}: those it wrote, and a training's model. */
    private List<String> resourcesOf(String tenant, String pipeline, String step) {
        List<String> ids = new ArrayList<>();
        String outputs = redis.hget(pipeline, "o:" + step);
        if (outputs != null && !outputs.isEmpty()) {
            ids.addAll(List.of(outputs.split(",")));
        }
        String runId = redis.hget(pipeline, "r:" + step);
        String model = runId == null ? null : redis.hget(new TenantKeys(tenant).run(runId), "modelResourceID");
        if (model != null && !model.isEmpty()) {
            ids.add(model);
        }
        return ids;
    }

    /**
     * After the step completed: its {@code outputs/} files as resources of its project, listed in
     * the pipeline. A step without a project (an inline script) keeps none.
     */
    public List<String> save(JobMessage job, Path workDir) throws IOException {
        Path outputs = workDir.resolve(OUTPUTS);
        if (!job.partOfPipeline() || job.projectId() == null || !Files.isDirectory(outputs, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(outputs)) {
            // Not followed: a link the script made could name any file the worker may read.
            files = listed.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .filter(f -> SAFE_NAME.matcher(f.getFileName().toString()).matches())
                    .sorted().limit(MAX_OUTPUT_FILES).toList();
        }
        List<String> saved = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String resourceId = Ids.next();
            if (Files.size(file) > MAX_OUTPUT_BYTES) {
                continue;
            }
            try (InputStream content = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                records.create(job.tenant(), job.projectId(), resourceId, name,
                        ResourceKind.ofFileName(name).orElse(ResourceKind.DATA), "application/octet-stream", content,
                        clock.millis(), Map.of("pipelineID", job.pipelineId(), "step", job.step(),
                                ResourceRecords.RUN_ID, job.runId(), ResourceRecords.TASK_ID, job.taskId()))
                        .ifPresent(r -> saved.add(resourceId));
            }
        }
        if (!saved.isEmpty()) {
            redis.hset(new PipelineKeys(job.tenant()).pipeline(job.pipelineId()), "o:" + job.step(),
                    String.join(",", saved));
        }
        return saved;
    }

}
