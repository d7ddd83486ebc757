package io.trainyard.ingress.internal.chorus;

import io.trainyard.common.schedule.IntervalRule;
import io.trainyard.common.schedule.IntervalUnit;
import io.trainyard.common.schedule.ScheduleTiming;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.UserDirectory;
import io.trainyard.ingress.internal.catalog.Catalog;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job in Chorus's shape: {@code id, name, workspace, interval_unit, interval_value, next_run,
 * end_run, time_zone, last_run, last_run_failed, status, enabled, owner, tasks} (each task
 * {@code id, index, action: "run_work_flow", name, workfile}), ids as Chorus integers.
 */
final class JobView {
    private final ChorusIds ids;
    private final Catalog catalog;
    private final UserDirectory users;
    private final InstantSource clock;

    JobView(ChorusIds ids, Catalog catalog, UserDirectory users, InstantSource clock) {
        this.ids = ids;
        this.catalog = catalog;
        this.users = users;
        this.clock = clock;
    }

    Map<String, Object> of(Map<String, String> job, String status, Principal caller) {
        String tenant = caller.tenant();
        Map<String, Object> workspace = new LinkedHashMap<>();
        workspace.put("id", ids.of(tenant, ChorusIds.Kind.WORKSPACE, job.get("workspaceId")));
        workspace.put("name", catalog.project(tenant, job.get("workspaceId")).map(p -> p.get("name")).orElse(""));
        workspace.put("entity_type", "workspace");
        List<Map<String, Object>> tasks = new ArrayList<>();
        List<String> workfiles = Jobs.workfiles(job);
        for (int i = 0; i < workfiles.size(); i++) {
            String resourceId = workfiles.get(i);
            String fileName = catalog.resource(tenant, resourceId).map(r -> r.get("name")).orElse("");
            Map<String, Object> workfile = new LinkedHashMap<>();
            workfile.put("id", ids.of(tenant, ChorusIds.Kind.WORKFILE, resourceId));
            workfile.put("file_name", fileName);
            workfile.put("entity_type", "workfile");
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("id", ids.of(tenant, ChorusIds.Kind.TASK, job.get("id") + "/" + i));
            task.put("index", i + 1);
            task.put("action", "run_work_flow");
            task.put("name", "Run " + fileName);
            task.put("workfile", workfile);
            task.put("entity_type", "job_task");
            tasks.add(task);
        }
        Principal owner = users.find(tenant, job.get("owner")).orElse(new Principal(tenant, job.get("owner"), Set.of()));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", ids.of(tenant, ChorusIds.Kind.JOB, job.get("id")));
        view.put("name", job.get("name"));
        view.put("workspace", workspace);
        view.put("interval_unit", job.get("intervalUnit"));
        view.put("interval_value", Long.parseLong(job.getOrDefault("intervalValue", "0")));
        view.put("next_run", nextRun(job));
        view.put("end_run", iso(job.get("endRun")));
        view.put("time_zone", job.getOrDefault("timeZone", "UTC"));
        view.put("last_run", iso(job.get("lastRun")));
        view.put("last_run_failed", "1".equals(job.get("lastRunFailed")));
        view.put("status", status);
        view.put("enabled", true);
        view.put("owner", ChorusUser.brief(ids.of(tenant, ChorusIds.Kind.USER, owner.user()), owner));
        view.put("tasks", tasks);
        view.put("entity_type", "job");
        view.put("complete_json", true);
        return view;
    }

    /** When the schedule fires next (the scheduler's own rule), or null for a job run on demand. */
    private String nextRun(Map<String, String> job) {
        String anchor = job.getOrDefault("nextRun", "");
        if (anchor.isEmpty()) {
            return null;
        }
        Instant start = Instant.ofEpochMilli(Long.parseLong(anchor));
        String endRun = job.getOrDefault("endRun", "");
        ScheduleTiming timing = new ScheduleTiming(IntervalRule.of(IntervalUnit.parse(job.get("intervalUnit")),
                Long.parseLong(job.get("intervalValue")), start, ZoneId.of(job.get("timeZone"))), start,
                endRun.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(endRun)));
        return timing.nextFireAfter(clock.instant().minusMillis(1)).map(i -> i.truncatedTo(ChronoUnit.SECONDS).toString())
                .orElse(null);
    }

    private static String iso(String epochMillis) {
        return epochMillis == null || epochMillis.isEmpty() ? null : WorkfileView.iso(epochMillis);
    }
}
