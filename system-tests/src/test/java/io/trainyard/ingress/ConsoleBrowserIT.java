package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.ops.Heartbeat;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.Worker;
import io.trainyard.worker.testing.WorkerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.support.ui.Select;
import redis.clients.jedis.JedisPooled;

/**
 * The console in a real Chromium against a real ingress, worker, broker and Redis: sign in,
 * upload, submit, watch a run finish without reloading, cancel one, the XSS cases and another
 * tenant's view; a screenshot of each page and axe-core on each.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class ConsoleBrowserIT {
    private static final Duration RUN_BOUND = Duration.ofSeconds(90);
    static TestIngress ingress;
    static Worker worker;
    static SchedulerService scheduler;
    static ConsoleBrowser browser;
    static Path scripts;

    @BeforeAll
    static void start() throws Exception {
        assertThat(ConsoleBrowser.available()).as("/usr/bin/chromium and /usr/bin/chromedriver (apt-get install "
                + "chromium chromium-driver; ./trainyard test installs them)").isTrue();
        String redisUri = "redis://127.0.0.1:" + RealRedis.server().port();
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(), redisUri, Map.of());
        worker = Worker.start(WorkerHarness.settings("console-worker", ingress.dataDir, Map.of()));
        scheduler = SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), redisUri,
                SchedulerSettings.OPS_PORT.env(), "0",
                SchedulerSettings.CANARY_INTERVAL_MS.env(), "2000",
                SchedulerSettings.INSTANCE_ID.env(), "console-scheduler")), InstantSource.system(), () -> { });
        browser = new ConsoleBrowser(ingress);
        scripts = Files.createTempDirectory("trainyard-console-scripts-");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (ingress != null) {
            ingress.close();
        }
    }

    @BeforeEach
    void signedOut() {
        browser.open("/ui/login");
        browser.driver.manage().deleteAllCookies();
    }

    private void signInAsAdmin() {
        browser.signIn(ingress.tenant + "/admin", TestIngress.PASSWORD);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.getCurrentUrl().endsWith("/ui/overview"));
    }

    /** Creates a project and uploads {@code fileName} with {@code content} through the pages. */
    private String uploadThroughPages(String project, String fileName, String content) throws Exception {
        browser.open("/ui/projects");
        browser.find("#p-name").sendKeys(project);
        browser.click("form[hx-post='/ui/projects'] button");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.all("#upload-form").size() == 1);
        Path file = scripts.resolve(fileName);
        Files.writeString(file, content);
        browser.find("#u-file").sendKeys(file.toAbsolutePath().toString());
        browser.click("#upload-form button");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.getPageSource().contains(fileName));
        return browser.driver.getCurrentUrl();
    }

    /** Submits a one-time run of the resource labelled "{project} / {fileName}" from the Tasks page. */
    private void submitThroughPages(String project, String fileName, String taskName) {
        browser.open("/ui/tasks");
        new Select(browser.find("#s-resource")).selectByVisibleText(project + " / " + fileName);
        browser.find("#s-name").sendKeys(taskName);
        browser.click("#submit-form button[type=submit]");
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.driver.getCurrentUrl().contains("/ui/tasks/")
                && browser.all("[data-run-status]").size() > 0);
    }

    private String runStatus() {
        // Read in one script: the runs are swapped in by server-sent events, an element found earlier may be gone.
        return (String) ((JavascriptExecutor) browser.driver).executeScript(
                "var e = document.querySelector('[data-run-status]'); return e ? e.dataset.runStatus : null;");
    }

    @Test
    void signInShowsTheOverviewAndAWrongPasswordIsRefused() {
        browser.signIn(ingress.tenant + "/admin", "wrong-password");
        assertThat(browser.text("p.error")).contains("Wrong tenant/user or password");
        browser.screenshot("login");
        browser.assertAccessible("login");

        signInAsAdmin();
        assertThat(browser.text("h1")).isEqualTo("Overview");
        assertThat(browser.text("header .who span")).isEqualTo(ingress.tenant + " / admin");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.all("#chart canvas").size() > 0);
        browser.screenshot("overview");
        browser.assertAccessible("overview");
    }

    @Test
    void anUploadedScriptRunsAndItsRunTurnsCompletedWithoutAReload() throws Exception {
        signInAsAdmin();
        String project = "demo-" + UUID.randomUUID().toString().substring(0, 6);
        uploadThroughPages(project, "hello.py", "import time\ntime.sleep(2)\nprint('hello from the console')\n");
        browser.screenshot("project");
        browser.assertAccessible("project");
        browser.click("a[href*='/resources/']");
        assertThat(browser.text("pre.script")).contains("print('hello from the console')");
        browser.screenshot("script");
        browser.assertAccessible("script");

        submitThroughPages(project, "hello.py", "hello-console");
        ((JavascriptExecutor) browser.driver).executeScript("window.trainyardSamePage = true;");
        await().atMost(RUN_BOUND).until(() -> "COMPLETED".equals(runStatus()));
        // The status changed in the page that was open: no reload happened.
        assertThat(((JavascriptExecutor) browser.driver).executeScript("return window.trainyardSamePage === true;"))
                .isEqualTo(true);
        assertThat(browser.text("pre.stdout")).isEqualTo("hello from the console");
        assertThat(browser.driver.getPageSource()).contains("console-worker");
        browser.screenshot("task");
        browser.assertAccessible("task");

        // Run again: a new run of the same task, on the same page.
        String taskUrl = browser.driver.getCurrentUrl();
        browser.click("button.run-again");
        await().atMost(RUN_BOUND).until(() -> browser.all("[data-run-status]").size() == 2
                && "COMPLETED".equals(runStatus()));
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(taskUrl);

        browser.open("/ui/tasks?name=hello-console");
        assertThat(browser.text("table.tasks tbody")).contains("hello-console").contains("COMPLETED");
        browser.screenshot("tasks");
        browser.assertAccessible("tasks");
    }

    @Test
    void aLongRunsOutputShowsWhileItRunsAndItIsCancelledFromItsPage() throws Exception {
        signInAsAdmin();
        String project = "long-" + UUID.randomUUID().toString().substring(0, 6);
        uploadThroughPages(project, "sleepy.py", "import time\nprint('started', flush=True)\ntime.sleep(300)\n");
        submitThroughPages(project, "sleepy.py", "sleepy");
        await().atMost(RUN_BOUND).until(() -> "RUNNING".equals(runStatus()));
        // The output tails live: what the script printed shows while it still runs.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> browser.text("pre.stdout").equals("started"));
        assertThat(runStatus()).isEqualTo("RUNNING");
        browser.screenshot("task-live-output");
        browser.click("button.cancel-run");
        await().atMost(RUN_BOUND).until(() -> "CANCELLED".equals(runStatus()));
        assertThat(browser.all("button.cancel-run")).isEmpty();
    }

    @Test
    void markupInNamesAndOutputIsShownAsText() throws Exception {
        signInAsAdmin();
        String project = "xss-" + UUID.randomUUID().toString().substring(0, 6);
        String output = "<script>alert(2)</script><b>bold</b><img src=x onerror=alert(3)>";
        uploadThroughPages(project, "loud.py", "print('" + output + "')\n");
        String name = "<img src=x onerror=alert(1)>";
        submitThroughPages(project, "loud.py", name);
        await().atMost(RUN_BOUND).until(() -> "COMPLETED".equals(runStatus()));
        assertThat(browser.text("h1")).isEqualTo("Task " + name);
        assertThat(browser.text("pre.stdout")).isEqualTo(output);
        assertThat(browser.all("main img")).isEmpty();
        assertThat(browser.all("main script")).isEmpty();
        assertThat(browser.all("pre.stdout b")).isEmpty();
        assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

        browser.open("/ui/tasks?type=CODE");
        assertThat(browser.all("table.tasks img")).isEmpty();
        assertThat(browser.text("table.tasks tbody")).contains(name);
        browser.screenshot("xss");
    }

    @Test
    void anotherTenantSeesNoneOfTheFirstTenantsTasks() throws Exception {
        signInAsAdmin();
        String project = "mine-" + UUID.randomUUID().toString().substring(0, 6);
        uploadThroughPages(project, "mine.py", "print('mine')\n");
        submitThroughPages(project, "mine.py", "first-tenant-task");
        browser.signOut();
        browser.signIn(ingress.otherTenant + "/admin", TestIngress.PASSWORD);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.getCurrentUrl().endsWith("/ui/overview"));
        browser.open("/ui/tasks");
        assertThat(browser.driver.getPageSource()).doesNotContain("first-tenant-task").doesNotContain(project);
        browser.open("/ui/projects");
        assertThat(browser.driver.getPageSource()).doesNotContain(project);
        browser.screenshot("other-tenant-tasks");
    }

    @Test
    void aPoisonRecordShowsInDeadLettersAndARedrivenJobCompletesAsANewAttemptOfItsRun() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String taskId = "dlqtask" + suffix;
        String runId = "dlqrun" + suffix;
        long now = System.currentTimeMillis();
        // A run that already had every start it may take (TRAINYARD_MAX_ATTEMPTS, 3): the worker ends it
        // FAILED and dead-letters its job. Redriven, the same run is queued again and runs.
        TenantKeys keys = new TenantKeys(ingress.tenant);
        try (JedisPooled redis = RealRedis.client()) {
            redis.hset(keys.task(taskId), Map.of("id", taskId, "name", "redrive-me", "type", "CODE",
                    "recurrence", "ONE_TIME", "createdAt", Long.toString(now), "tenant", ingress.tenant));
            redis.zadd(keys.tasks(), now, taskId);
            redis.rpush(keys.taskRuns(taskId), runId);
            redis.hset(keys.run(runId), Map.of("id", runId, "tasksID", taskId, "taskName", "redrive-me",
                    "tenant", ingress.tenant, "type", "CODE", "status", "QUEUED", "attempt", "3",
                    "queuedAt", Long.toString(now)));
        }
        String job = "{\"schemaVersion\":1,\"runId\":\"" + runId + "\",\"taskId\":\"" + taskId + "\",\"tenant\":\""
                + ingress.tenant + "\",\"type\":\"CODE\",\"script\":\"print('redriven and done')\","
                + "\"timeoutSeconds\":0,\"attempt\":0,\"createdAt\":" + now + "}";
        String poison = "{\"schemaVersion\":99,\"runId\":\"p" + suffix + "\",\"taskId\":\"p" + suffix
                + "\",\"tenant\":\"" + ingress.tenant + "\",\"type\":\"CODE\",\"script\":\"print(1)\"}";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealKafka.broker().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.SCRIPT_JOBS, runId, job)).get();
            producer.send(new ProducerRecord<>(Topics.SCRIPT_JOBS, "p" + suffix, poison)).get();
        }

        signInAsAdmin();
        await().atMost(RUN_BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.open("/ui/dead-letters");
            String page = browser.driver.getPageSource();
            return page.contains("unsupported schemaVersion 99") && page.contains("abandoned after 3 deliveries");
        });
        browser.screenshot("dead-letters");
        browser.assertAccessible("dead-letters");

        String record = (String) ((JavascriptExecutor) browser.driver).executeScript(
                "return [...document.querySelectorAll('tr[data-record]')].find(r => r.textContent.includes('"
                        + taskId + "')).dataset.record;");
        browser.click("input[name='id-" + record + "']");
        browser.click("#redrive");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                browser.text("tr[data-record='" + record + "'] td.state").equals("REDRIVEN"));

        browser.open("/ui/tasks/" + taskId);
        await().atMost(RUN_BOUND).until(() -> "COMPLETED".equals(runStatus()));
        assertThat(browser.text("pre.stdout")).isEqualTo("redriven and done");
        try (JedisPooled redis = RealRedis.client()) {
            assertThat(redis.hget(keys.run(runId), "redrives")).isEqualTo("1");
            assertThat(redis.hget(keys.run(runId), "attempt")).isEqualTo("1");
        }
        browser.open("/ui/dead-letters");
        assertThat(browser.text("tr[data-record='" + record + "'] td.state")).isEqualTo("REDRIVEN");
        assertThat(browser.all("tr[data-record='" + record + "'] input[type=checkbox]")).isEmpty();
    }

    @Test
    void theWorkersPageListsLiveWorkersAndOneWhoseBeatStoppedAsGone() {
        signInAsAdmin();
        // The Overview: every worker's slots, the scheduler instances and the canary's last beat.
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.all("#live-stats [data-canary-status='COMPLETED']")
                .size() == 1 && browser.all("#live-stats [data-scheduler='console-scheduler']").size() == 1);
        assertThat(browser.text("table.slots tr[data-worker='console-worker']")).contains("console-worker");
        browser.screenshot("overview-fleet");

        Heartbeat other;
        try (JedisPooled redis = RealRedis.client()) {
            other = Heartbeat.start(redis, Heartbeat.Kind.WORKER, "short-lived-worker", Map::of, InstantSource.system());
            browser.open("/ui/workers");
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.all("tr[data-worker='short-lived-worker']").size()
                    == 1 && browser.text("tr[data-worker='short-lived-worker'] td.state").equals("LIVE"));
            assertThat(browser.text("tr[data-worker='console-worker'] td.state")).isEqualTo("LIVE");
            assertThat(browser.text("tr[data-scheduler='console-scheduler'] td.state")).isEqualTo("LIVE");
            other.close();
            // The page follows without a reload (server-sent events).
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    browser.text("tr[data-worker='short-lived-worker'] td.state").equals("GONE"));
        }
        assertThat(browser.text("tr[data-worker='console-worker'] td.state")).isEqualTo("LIVE");
        browser.screenshot("workers");
        browser.assertAccessible("workers");
    }

    @Test
    void anAdminCreatesAUserInAnotherTenantWhoSignsInAndSeesNoneOfTheFirstTenantsTasks() throws Exception {
        signInAsAdmin();
        String project = "own-" + UUID.randomUUID().toString().substring(0, 6);
        uploadThroughPages(project, "own.py", "print('own')\n");
        submitThroughPages(project, "own.py", "first-tenant-only");

        String tenant = "n" + UUID.randomUUID().toString().substring(0, 8);
        browser.open("/ui/users");
        browser.find("#t-name").sendKeys(tenant);
        browser.click("#tenant-form button");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.all("#tenant-" + tenant).size() == 1);
        new Select(browser.find("#n-tenant")).selectByVisibleText(tenant);
        browser.find("#n-user").sendKeys("newcomer");
        browser.find("#n-password").sendKeys("newcomers-password");
        browser.click("input[name='role-CREATE']");
        browser.click("#user-form button[type=submit]");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                browser.all("tr[data-user='" + tenant + "/newcomer']").size() == 1);
        assertThat(browser.text("tr[data-user='" + tenant + "/newcomer'] td.state")).isEqualTo("active");
        browser.screenshot("users");
        browser.assertAccessible("users");

        browser.signOut();
        browser.signIn(tenant + "/newcomer", "newcomers-password");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.getCurrentUrl().endsWith("/ui/overview"));
        assertThat(browser.text("header .who span")).isEqualTo(tenant + " / newcomer");
        browser.open("/ui/tasks");
        assertThat(browser.driver.getPageSource()).doesNotContain("first-tenant-only").doesNotContain(project);
        // Not an ADMIN: no Users page.
        browser.open("/ui/users");
        assertThat(browser.driver.getPageSource()).contains("the ADMIN role is required");

        // Disabled by the admin, the newcomer's session ends and it cannot sign in again.
        browser.signOut();
        signInAsAdmin();
        browser.open("/ui/users");
        browser.click("tr[data-user='" + tenant + "/newcomer'] button.danger");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                browser.text("tr[data-user='" + tenant + "/newcomer'] td.state").equals("disabled"));
        browser.signOut();
        browser.signIn(tenant + "/newcomer", "newcomers-password");
        assertThat(browser.text("p.error")).contains("Wrong tenant/user or password");
    }

    @Test
    void aScheduleIsListedWithItsRuleAndIsPausedAndResumedFromItsPage() throws Exception {
        signInAsAdmin();
        String project = "sched-" + UUID.randomUUID().toString().substring(0, 6);
        String projectUrl = uploadThroughPages(project, "nightly.py", "print('nightly')\n");
        String projectId = projectUrl.substring(projectUrl.lastIndexOf('/') + 1);
        String resource = (String) ((JavascriptExecutor) browser.driver).executeScript(
                "return document.querySelector(\"a[href*='/resources/']\").getAttribute('href').split('/').pop();");
        var answer = ingress.json("POST", "/service/mlw/projects/" + projectId + "/resources/" + resource + "/execute",
                ingress.admin(), "{\"recurrence\":\"REPEAT\",\"cronExpression\":\"0 30 2 * * ?\","
                        + "\"taskName\":\"nightly-" + project + "\",\"timeZone\":\"America/New_York\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String taskId = MlwSubmitIT.tree(answer).get("id").asText();

        browser.open("/ui/schedules");
        String row = "tr[data-schedule='" + taskId + "']";
        assertThat(browser.text(row)).contains("nightly-" + project).contains("0 30 2 * * ?")
                .contains("America/New_York").contains("SKIP");
        assertThat(browser.text(row + " td.next")).endsWith("UTC");
        assertThat(browser.text(row + " td.state")).isEqualTo("active");
        browser.click(row + " button.pause");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.text(row + " td.state").startsWith("paused"));
        assertThat(browser.text(row + " td.next")).isEqualTo("—");
        browser.screenshot("schedules");
        browser.assertAccessible("schedules");
        browser.click(row + " button.resume");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.text(row + " td.state").equals("active"));
    }

    @Test
    void aTrainingRunShowsItsCandidatesScoresChartTheChosenModelItsMetricsAndADownload() throws Exception {
        Path iris = scripts.resolve("iris.csv");
        Process export = new ProcessBuilder("/usr/bin/python3", "-c", "import sys\n"
                + "from sklearn.datasets import load_iris\n"
                + "load_iris(as_frame=True).frame.to_csv(sys.argv[1], index=False)\n", iris.toString())
                .redirectErrorStream(true).start();
        assertThat(export.waitFor()).as(new String(export.getInputStream().readAllBytes())).isZero();
        String project = MlwSubmitIT.tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"iris-" + UUID.randomUUID().toString().substring(0, 6) + "\"}")).get("id").asText();
        String resources = "/service/mlw/projects/" + project + "/resources";
        String dataset = MlwSubmitIT.tree(ingress.upload(resources, ingress.admin(), "iris.csv",
                Files.readString(iris))).get("id").asText();
        String workflow = MlwSubmitIT.tree(ingress.upload(resources, ingress.admin(), "iris.wf",
                TrainingFixture.workflow(dataset, null, "classification", "target",
                        java.util.List.of("logistic_regression", "knn"), "irisModel"))).get("id").asText();
        String taskId = MlwSubmitIT.tree(ingress.json("POST", resources + "/" + workflow + "/workflow", ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"iris-console\"}"))
                .get("id").asText();

        signInAsAdmin();
        browser.open("/ui/tasks/" + taskId);
        await().atMost(TrainingFixture.RUN_BOUND).until(() -> "COMPLETED".equals(runStatus()));
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.all(".chart.scores canvas").size() == 1);
        assertThat(browser.text(".best-model")).isIn("logistic_regression", "knn");
        assertThat(Double.parseDouble(browser.text("[data-metric='accuracy']"))).isGreaterThan(0.9);
        assertThat(browser.text("[data-metric='scoring']")).isNotBlank();
        String download = browser.find("a.download-model").getAttribute("href");
        var model = ingress.bytes(java.net.URI.create(download).getPath(), ingress.admin());
        assertThat(model.statusCode()).isEqualTo(200);
        assertThat(model.body().length).isGreaterThan(100);
        browser.screenshot("training");
        browser.assertAccessible("training");
    }
}
