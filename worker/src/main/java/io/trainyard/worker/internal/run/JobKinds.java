package io.trainyard.worker.internal.run;

import io.trainyard.common.job.JobType;
import io.trainyard.worker.JobKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/** The kind that runs each job type. */
public final class JobKinds {
    private final Map<JobType, JobKind> kinds;

    private JobKinds(Map<JobType, JobKind> kinds) {
        this.kinds = kinds;
    }

    /** CODE and NOOP built in, then every {@link JobKind.Provider} on the class path (which may override them). */
    public static JobKinds standard(RunEnvironment environment) {
        Map<JobType, JobKind> kinds = new EnumMap<>(JobType.class);
        kinds.put(JobType.CODE, new CodeKind(environment));
        kinds.put(JobType.NOOP, new NoopKind());
        for (JobKind.Provider provider : ServiceLoader.load(JobKind.Provider.class)) {
            JobKind kind = provider.create(environment);
            kinds.put(kind.type(), kind);
        }
        return of(kinds);
    }

    public static JobKinds of(Map<JobType, JobKind> given) {
        Map<JobType, JobKind> kinds = new EnumMap<>(JobType.class);
        kinds.putAll(given);
        for (JobType type : JobType.values()) {
            kinds.putIfAbsent(type, new UnavailableKind(type));
        }
        return new JobKinds(kinds);
    }

    /** The same kinds with {@code kind} replacing the one of its type. */
    public JobKinds with(JobKind kind) {
        Map<JobType, JobKind> copy = new EnumMap<>(kinds);
        copy.put(kind.type(), kind);
        return new JobKinds(copy);
    }

    public JobKind forType(JobType type) {
        return kinds.get(type);
    }
}
