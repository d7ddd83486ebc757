package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven by its chromium-driver (both installed by the launcher
 * like the other OS packages): signs in to a test ingress's console, saves screenshots under
 * {@code target/console-screenshots} and checks a page with axe-core.
 */
final class ConsoleBrowser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String DRIVER = "/usr/bin/chromedriver";

    final WebDriver driver;
    private final TestIngress ingress;

    ConsoleBrowser(TestIngress ingress) {
        this.ingress = ingress;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    static boolean available() {
        return new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
    }

    void open(String path) {
        driver.get(ingress.uri(path).toString());
    }

    void signIn(String login, String password) {
        open("/ui/login");
        driver.findElement(By.id("login")).sendKeys(login);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form.login button[type=submit]")).click();
    }

    void signOut() {
        driver.findElement(By.cssSelector("form.who button")).click();
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * The text of the element {@code css} selects, once the page shows it (up to 10 s: a form's
     * answer is a new page). Live pages replace elements as runs move on (server-sent events, htmx
     * swaps): one replaced between finding and reading is found again. So is one whose page was
     * replaced by a navigation in that instant, which chromedriver reports not as a stale element
     * but as an inspector error ("Node with given id does not belong to the document").
     */
    String text(String css) {
        return onceFound(css, WebElement::getText);
    }

    /**
     * Clicks the element {@code css} selects, found again if a live swap or a navigation replaced
     * it between finding and clicking (a click on a node no longer in the document does not happen).
     */
    void click(String css) {
        onceFound(css, element -> {
            element.click();
            return Boolean.TRUE;
        });
    }

    private <T> T onceFound(String css, Function<WebElement, T> action) {
        return new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    try {
                        return action.apply(d.findElement(By.cssSelector(css)));
                    } catch (WebDriverException e) {
                        if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                            return null;
                        }
                        throw e;
                    }
                });
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** axe-core on the page as it is now: no serious or critical violation. */
    void assertAccessible(String page) {
        Results results = new AxeBuilder().analyze(driver);
        List<String> bad = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(ConsoleBrowser::describe)
                .toList();
        assertThat(bad).as("axe-core on " + page).isEmpty();
    }

    private static String describe(Rule rule) {
        return rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + " at "
                + rule.getNodes().stream().map(n -> String.valueOf(n.getTarget())).limit(3).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
