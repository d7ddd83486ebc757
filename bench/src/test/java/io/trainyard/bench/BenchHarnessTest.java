package io.trainyard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.bench.BenchOptions.Workload;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's own parts that need no servers: options, reading wrk and Prometheus output,
 * the table. The benchmark itself never runs in the test suite (its figures depend on the box).
 */
class BenchHarnessTest {
    private static final Path ROOT = Path.of("/repo");

    @Test
    void noWorkloadNamedMeansAllOfThemAtFullSize() {
        BenchOptions o = BenchOptions.parse(new String[0], ROOT);
        assertThat(o.workloads()).containsExactly(Workload.values());
        assertThat(o.jobs()).isEqualTo(200_000);
        assertThat(o.scaleCounts()).containsExactly(1, 2, 4, 8);
        assertThat(o.out()).isEqualTo(ROOT.resolve("bench/results/latest.json"));
        assertThat(o.schedulePattern()).isEqualTo(BenchOptions.SchedulePattern.SPREAD);
    }

    @Test
    void theSchedulerWorkloadSpreadsItsFiresOverTheMinuteUnlessAskedForTheBurst() {
        BenchOptions.SchedulePattern spread = BenchOptions.SchedulePattern.SPREAD;
        assertThat(spread.cron(0)).isEqualTo("0 * * * * ?");
        assertThat(spread.cron(61)).isEqualTo("1 * * * * ?");
        assertThat(spread.second(119)).isEqualTo(59);
        BenchOptions burst = BenchOptions.parse(new String[] {"scheduler", "--schedule-pattern", "BURST"}, ROOT);
        assertThat(burst.schedulePattern().cron(61)).isEqualTo("* * * * *");
        assertThat(burst.schedulePattern().second(61)).isZero();
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--schedule-pattern", "even"}, ROOT))
                .hasMessageContaining("--schedule-pattern").hasMessageContaining("'even'");
    }

    @Test
    void quickShrinksTheDefaultsButExplicitOptionsWin() {
        BenchOptions o = BenchOptions.parse(new String[] {"queue", "--quick", "--jobs", "1_000", "scaleout",
                "--scale-workers", "1,3"}, ROOT);
        assertThat(o.workloads()).containsExactlyInAnyOrder(Workload.QUEUE, Workload.SCALEOUT);
        assertThat(o.jobs()).isEqualTo(1_000);
        assertThat(o.schedules()).isEqualTo(2_000);
        assertThat(o.scaleCounts()).containsExactly(1, 3);
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"queues"}, ROOT)).hasMessageContaining("'queues'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--jobs", "0"}, ROOT)).hasMessageContaining("--jobs");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--jobs"}, ROOT)).hasMessageContaining("needs a value");
    }

    @Test
    void wrkOutputIsReadFromItsSummaryAndTheScriptsJsonLine() {
        String out = """
                Running 4s test @ http://127.0.0.1:1234/service/mlw/projects/p/resources/r/execute
                  2 threads and 64 connections
                  Thread Stats   Avg      Stdev     Max   +/- Stdev
                    Latency    40.11ms   30.00ms 200.00ms   70.00%
                  5936 requests in 4.00s, 3.10MB read
                  Non-2xx or 3xx responses: 3
                Requests/sec:   1483.55
                Transfer/sec:    793.46KB
                wrk-json {"requests":5936,"durationMicros":4000000,"connectErrors":0,"readErrors":1,"writeErrors":0,\
                "statusErrors":3,"timeouts":2,"p50Micros":36800,"p99Micros":190900,"p999Micros":199000,"maxMicros":200000}
                """;
        Wrk.Result r = Wrk.parse(out);
        assertThat(r.requestsPerSecond()).isEqualTo(1483.55);
        assertThat(r.requests()).isEqualTo(5936);
        assertThat(r.non2xx()).isEqualTo(3);
        assertThat(r.socketErrors()).isEqualTo(3);
        assertThat(r.p50()).isEqualTo(36.8);
        assertThat(r.p99()).isEqualTo(190.9);
    }

    @Test
    void prometheusSeriesAreSummedByNameAndLabels() {
        String exposition = """
                # TYPE trainyard_worker_runs_finished_total counter
                trainyard_worker_runs_finished_total{status="COMPLETED",type="NOOP",worker="w1"} 311.0
                trainyard_worker_runs_finished_total{status="FAILED",type="NOOP",worker="w1"} 2.0
                trainyard_worker_runs_finished_total{status="COMPLETED",type="CODE",worker="w1"} 9.0
                trainyard_worker_runs_finished_total_other{status="COMPLETED"} 1000.0
                trainyard_scheduler_schedules_owned 100000.0
                """;
        assertThat(Scrape.sumOf(exposition, "trainyard_worker_runs_finished_total", "status=\"COMPLETED\""))
                .isEqualTo(320.0);
        assertThat(Scrape.sumOf(exposition, "trainyard_scheduler_schedules_owned")).isEqualTo(100_000.0);
    }

    @Test
    void theTableRepeatsAWorkloadsNameOnlyOnItsFirstRow() {
        Report report = new Report();
        report.header("cores", 2);
        report.row("queue", "jobs/s", "350 jobs/s", ">= 1.5x BullMQ", "2 workers");
        report.row("queue", "publish", "9,506 jobs/s", "", "");
        report.row("http", "p99", "4.00 ms", "< 20 ms", "");
        List<String> lines = report.table().lines().toList();
        assertThat(lines.get(0)).isEqualTo("cores: 2");
        assertThat(lines.get(3)).startsWith("queue").contains("350 jobs/s");
        assertThat(lines.get(4)).startsWith("     ").contains("9,506 jobs/s");
        assertThat(lines.get(5)).startsWith("http");
    }
}
