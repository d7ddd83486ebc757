package io.trainyard.worker.internal.run;

import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.worker.internal.sandbox.ProcessSupervisor;
import io.trainyard.worker.internal.sandbox.Sandbox;
import io.trainyard.worker.internal.sandbox.SandboxLimits;
import java.nio.file.Path;
import java.time.InstantSource;
import redis.clients.jedis.UnifiedJedis;

/**
 * What every {@link JobKind} may use: the worker's configuration, the sandbox and its supervisor,
 * the resource store, the interpreter, the default limits, where runs' directories go and the
 * worker's Redis pool (for records beside the run's own, e.g. the model a training saves).
 *
 * @param config the worker's configuration table (WorkerSettings)
 * @param python the interpreter path, valid inside the sandbox as well
 * @param limits default limits; {@link RunContext#limits()} applies the job's timeout to them
 * @param workRoot parent of every run's private directory
 */
public record RunEnvironment(ConfigTable config, Sandbox sandbox, ProcessSupervisor supervisor,
                             ResourceFiles resources, Path python, SandboxLimits limits, Path workRoot,
                             InstantSource clock, UnifiedJedis redis) {}
