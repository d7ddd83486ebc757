package io.trainyard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.devtools.FreePort;
import io.trainyard.worker.WorkerSettings;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload 7: how long a job takes to start in its sandbox, over HTTP end to end (MLW submit ->
 * the run COMPLETED, read from its record), first with no warm sandboxes (every run starts a
 * sandbox, an interpreter and, for training, pandas and scikit-learn), then with them. One job at
 * a time: a trivial script, and an iris training with one algorithm, whose trainer notes when it
 * began to read the data ({@code dataReadAt}, {@code trainerStartupMs}).
 */
final class StartupLatency {
    static final String NAME = "startup";
    static final String TENANT = "bench-startup";
    /** Between two jobs: time for the pool to start the next warm sandbox, as a steady trickle would give it. */
    private static final long GAP_MILLIS = 150;

    private StartupLatency() {}

    private record Phase(String label, int warmScripts, int warmTrainers) {}

    /**
     * {@code script} end to end, and its parts: submit → RUNNING ({@code toStart}, of which the
     * submit's answer, Kafka's acknowledgement included, is {@code answered}) and RUNNING →
     * COMPLETED ({@code inSandbox}).
     */
    private record Figures(Latencies script, Latencies toStart, Latencies answered, Latencies inSandbox, Latencies training,
                           Latencies dataRead, Latencies trainerStartup, long warmRuns, long runs) {}

    static void run(BenchContext ctx) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/bwrap"))) {
            ctx.report().row(NAME, "submit -> COMPLETED", "n/a", "", "bubblewrap not installed");
            return;
        }
        int scripts = ctx.options().quick() ? 20 : 100;
        int trainings = ctx.options().quick() ? 3 : 10;
        try (BenchIngress ingress = BenchIngress.start(ctx, "startup-ingress", TENANT)) {
            BenchIngress.Mlw mlw = ingress.mlw();
            Map<String, String> env = ctx.cluster().serviceEnv();
            String project = mlw.id(mlw.post("/projects", "{\"name\":\"startup\"}"));
            String script = mlw.id(mlw.upload(project, "trivial.py", "print('ok')\n"));
            String dataset = mlw.id(mlw.upload(project, "iris.csv", irisCsv(ctx)));
            String workflow = mlw.id(mlw.upload(project, "iris.wf", "{\"datasetResourceId\":\"" + dataset
                    + "\",\"problemType\":\"classification\",\"targetVariable\":\"target\","
                    + "\"algorithms\":[\"logistic_regression\"],\"modelName\":\"iris\"}"));
            for (Phase phase : List.of(new Phase("cold", 0, 0), new Phase("warm", 2, 1))) {
                double loadBefore = ProcessMemory.loadAverage();
                Figures f = measure(ctx, mlw, env, phase, project, script, workflow, scripts, trainings);
                report(ctx, phase, f, scripts, trainings, loadBefore, ProcessMemory.loadAverage());
            }
        }
    }

    private static Figures measure(BenchContext ctx, BenchIngress.Mlw mlw, Map<String, String> serviceEnv, Phase phase,
                                   String project, String script, String workflow, int scripts, int trainings)
            throws IOException, InterruptedException {
        int opsPort = FreePort.pick();
        Map<String, String> env = new HashMap<>(serviceEnv);
        env.putAll(Map.of(WorkerSettings.WORKER_ID.env(), "startup-" + phase.label(), WorkerSettings.OPS_PORT.env(), Integer.toString(opsPort),
                WorkerSettings.SANDBOX.env(), "bwrap", WorkerSettings.SLOTS.env(), "2",
                WorkerSettings.WARM_SCRIPT_SANDBOXES.env(), Integer.toString(phase.warmScripts()),
                WorkerSettings.WARM_TRAINER_SANDBOXES.env(), Integer.toString(phase.warmTrainers())));
        ctx.say("startup (" + phase.label() + "): the worker group skips " + ctx.cluster().skipQueuedJobs()
                + " earlier record(s) on the job topics");
        Latencies scriptLatency = new Latencies();
        Latencies toStart = new Latencies();
        Latencies answered = new Latencies();
        Latencies inSandbox = new Latencies();
        Latencies training = new Latencies();
        Latencies dataRead = new Latencies();
        Latencies trainerStartup = new Latencies();
        long warmRuns = 0;
        try (JavaService worker = JavaService.start("startup-worker-" + phase.label(), "io.trainyard.worker.WorkerMain",
                "512m", env, ctx.logs())) {
            BenchIngress.awaitReady(worker::requireAlive, opsPort);
            ctx.say("startup (" + phase.label() + "): " + scripts + " trivial scripts, " + trainings + " iris trainings, one at a time");
            String execute = "/projects/" + project + "/resources/" + script + "/execute";
            // Not measured: the first jobs meet cold code paths in the ingress and the worker.
            for (int i = 0; i < 3; i++) {
                awaitWarm(opsPort, "script", phase.warmScripts());
                submitAndWait(ctx, mlw, execute, phase.label() + "-first-" + i);
            }
            for (int i = 0; i < scripts; i++) {
                awaitWarm(opsPort, "script", phase.warmScripts());
                Map<String, String> run = submitAndWait(ctx, mlw, execute, phase.label() + "-script-" + i);
                long executedAt = Long.parseLong(run.get("executedAt"));
                scriptLatency.recordMillis(Long.parseLong(run.get("completedAt")) - Long.parseLong(run.get("submittedAt")));
                toStart.recordMillis(executedAt - Long.parseLong(run.get("submittedAt")));
                answered.recordMillis(Long.parseLong(run.get("answeredAt")) - Long.parseLong(run.get("submittedAt")));
                inSandbox.recordMillis(Long.parseLong(run.get("completedAt")) - executedAt);
                warmRuns += "bwrap-warm".equals(run.get("sandbox")) ? 1 : 0;
            }
            String train = "/projects/" + project + "/resources/" + workflow + "/workflow";
            for (int i = 0; i < trainings; i++) {
                awaitWarm(opsPort, "trainer", phase.warmTrainers());
                Map<String, String> run = submitAndWait(ctx, mlw, train, phase.label() + "-train-" + i);
                long submitted = Long.parseLong(run.get("submittedAt"));
                training.recordMillis(Long.parseLong(run.get("completedAt")) - submitted);
                if (run.containsKey("dataReadAt")) {
                    dataRead.recordMillis(Long.parseLong(run.get("dataReadAt")) - submitted);
                    trainerStartup.recordMillis(Long.parseLong(run.get("trainerStartupMs")));
                }
                warmRuns += "bwrap-warm".equals(run.get("sandbox")) ? 1 : 0;
            }
        }
        return new Figures(scriptLatency, toStart, answered, inSandbox, training, dataRead, trainerStartup, warmRuns, scripts + trainings);
    }

    /** Submits one job over MLW and polls its run record until it ended; the record, with submittedAt added. */
    private static Map<String, String> submitAndWait(BenchContext ctx, BenchIngress.Mlw mlw, String path, String taskName)
            throws IOException, InterruptedException {
        Pause.millis(GAP_MILLIS);
        long submitted = System.currentTimeMillis();
        HttpResponse<String> submit = mlw.post(path, "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\","
                + "\"taskName\":\"" + taskName + "-" + ctx.nonce() + "\"}");
        long answered = System.currentTimeMillis();
        if (submit.statusCode() != 200) {
            throw new IllegalStateException("submitting " + taskName + " got " + submit.statusCode() + ": " + submit.body());
        }
        JsonNode task = Json.MAPPER.readTree(submit.body());
        String runId = task.path("individualTasks").path(0).path("id").asText("");
        if (runId.isEmpty()) {
            runId = Json.MAPPER.readTree(mlw.get("/tasks/" + task.path("id").asText()).body())
                    .path("individualTasks").path(0).path("id").asText();
        }
        String key = new TenantKeys(TENANT).run(runId);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            Map<String, String> run = ctx.cluster().jedis.hgetAll(key);
            String status = run.getOrDefault("status", "");
            if (status.equals("COMPLETED")) {
                Map<String, String> copy = new HashMap<>(run);
                copy.put("submittedAt", Long.toString(submitted));
                copy.put("answeredAt", Long.toString(answered));
                return copy;
            }
            if (List.of("FAILED", "TIMED_OUT", "CANCELLED").contains(status) || System.nanoTime() > deadline) {
                throw new IllegalStateException(taskName + " ended " + status + ": " + run.get("message"));
            }
            Pause.millis(1);
        }
    }

    private static void report(BenchContext ctx, Phase phase, Figures f, int scripts, int trainings, double loadBefore,
                               double loadAfter) {
        Report report = ctx.report();
        String key = NAME + "." + phase.label();
        report.figure(key, "warmScriptSandboxes", phase.warmScripts());
        report.figure(key, "warmTrainerSandboxes", phase.warmTrainers());
        report.figure(key, "runsInWarmSandboxes", f.warmRuns());
        report.figure(key, "scriptP50Millis", f.script().percentileMillis(50));
        report.figure(key, "scriptP99Millis", f.script().percentileMillis(99));
        report.figure(key, "scriptSubmitToRunningP50Millis", f.toStart().percentileMillis(50));
        report.figure(key, "scriptSubmitAnsweredP50Millis", f.answered().percentileMillis(50));
        report.figure(key, "scriptRunningToCompletedP50Millis", f.inSandbox().percentileMillis(50));
        report.figure(key, "trainingP50Millis", f.training().percentileMillis(50));
        report.figure(key, "submitToDataReadP50Millis", f.dataRead().percentileMillis(50));
        report.figure(key, "trainerStartupP50Millis", f.trainerStartup().percentileMillis(50));
        report.figure(key, "trainerStartupMaxMillis", f.trainerStartup().maxMillis());
        report.figure(key, "load1mBefore", loadBefore);
        report.figure(key, "load1mAfter", loadAfter);
        String label = phase.label() + " (" + phase.warmScripts() + "+" + phase.warmTrainers() + " warm)";
        String note = f.warmRuns() + " of " + f.runs() + " runs warm, " + Report.load(loadBefore, loadAfter);
        report.row(NAME, "trivial script submit -> COMPLETED p50, " + label,
                Report.millis(f.script().percentileMillis(50)), "< 40 ms", scripts + " scripts one at a time; " + note);
        report.row(NAME, "trivial script submit -> COMPLETED p99, " + label,
                Report.millis(f.script().percentileMillis(99)), "", "");
        report.row(NAME, "trivial script submit -> RUNNING p50, " + label,
                Report.millis(f.toStart().percentileMillis(50)), "", "the ingress, Kafka and the worker's start");
        report.row(NAME, "trivial script submit answered p50, " + label,
                Report.millis(f.answered().percentileMillis(50)), "", "of which the ingress until Kafka acknowledged the job");
        report.row(NAME, "trivial script RUNNING -> COMPLETED p50, " + label,
                Report.millis(f.inSandbox().percentileMillis(50)), "", "the sandbox, the script and the end's write");
        report.row(NAME, "iris training submit -> COMPLETED p50, " + label,
                Report.millis(f.training().percentileMillis(50)), "", trainings + " trainings, logistic_regression");
        report.row(NAME, "iris training submit -> trainer reads data p50, " + label,
                Report.millis(f.dataRead().percentileMillis(50)), "", "");
        report.row(NAME, "training start-up (sandbox asked -> trainer reads data) p50, " + label,
                Report.millis(f.trainerStartup().percentileMillis(50)), "< 100 ms",
                "max " + Report.millis(f.trainerStartup().maxMillis()));
        ctx.say(String.format("startup (%s): script p50 %.1f ms p99 %.1f ms (to RUNNING %.1f, in the sandbox %.1f); training p50 %.0f ms, start-up p50 %.0f ms",
                phase.label(), f.script().percentileMillis(50), f.script().percentileMillis(99),
                f.toStart().percentileMillis(50), f.inSandbox().percentileMillis(50),
                f.training().percentileMillis(50), f.trainerStartup().percentileMillis(50)));
    }

    /** Waits (bounded) until the worker has {@code count} warm sandboxes of {@code profile} waiting. */
    private static void awaitWarm(int opsPort, String profile, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count > 0 && Scrape.sum(opsPort, "trainyard_worker_sandboxes_warm", "profile=\"" + profile + "\"") < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker did not have " + count + " warm " + profile + " sandboxes within 60 s");
            }
            Pause.millis(20);
        }
    }

    /** scikit-learn's iris data set as CSV, exported by the interpreter the workers use. */
    private static String irisCsv(BenchContext ctx) throws IOException, InterruptedException {
        Path csv = ctx.cluster().dir.resolve("iris.csv");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import sys\nfrom sklearn.datasets import load_iris\n"
                + "load_iris(as_frame=True).frame.to_csv(sys.argv[1], index=False)\n", csv.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("cannot export iris: " + out);
        }
        return Files.readString(csv);
    }
}
