package dev.posthorn.mta.capture.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.posthorn.mta.capture.CaptureQuery;
import dev.posthorn.mta.capture.CapturedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real browser: Debian's {@code chromium} driven through {@code chromium-driver}, headless. Mail sent
 * over SMTP appears without a reload; a message opens with its text and HTML; search narrows the list; delete and
 * release work. Without chromium this fails when {@code CI} is set, and is skipped otherwise.
 */
class CaptureWebIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private WebRig rig;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "the browser test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                + CHROMEDRIVER + "): sudo apt-get install chromium chromium-driver";
        if (!installed && System.getenv("CI") != null) {
            fail(missing);
        }
        assumeTrue(installed, missing + "; skipped (it fails instead when CI is set)");
        rig = new WebRig(dir);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
        // The driver named, so that Selenium Manager never looks for (or downloads) one.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        browser = new ChromeDriver(options);
        // The list is drawn anew as events arrive: an element found a moment ago may be gone.
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (rig != null) {
            rig.close();
        }
    }

    /** The subjects in the list, read in one step. */
    private List<String> subjects() {
        Object subjects = ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#messages tr.message td.subject')].map(td => td.textContent);");
        return ((List<?>) subjects).stream().map(String::valueOf).toList();
    }

    private void open(String subject) {
        wait.until(driver -> {
            driver.findElements(By.cssSelector("#messages tr.message")).stream()
                    .filter(row -> row.findElement(By.className("subject")).getText().equals(subject))
                    .findFirst().orElseThrow().click();
            return true;
        });
        wait.until(ExpectedConditions.textToBe(By.id("v-subject"), subject));
    }

    @Test
    void mailAppearsOpensSearchesDeletesAndReleases() throws Exception {
        browser.get(rig.base() + "/");
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");

        rig.sendText("app@client.test", "alice@dev.test", "Hello browser", "plain words for the text tab");
        wait.until(driver -> subjects().contains("Hello browser"));
        CapturedMessage rich = rig.sendRich("Other thing");
        wait.until(driver -> subjects().equals(List.of("Other thing", "Hello browser")));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true;"))
                .isEqualTo(Boolean.TRUE);

        open("Hello browser");
        browser.findElement(By.cssSelector("#tabs button[data-tab=text]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tab-text"), "plain words"));

        open("Other thing");
        browser.findElement(By.cssSelector("#tabs button[data-tab=html]")).click();
        WebElement frame = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("html-frame")));
        assertThat(frame.getDomAttribute("sandbox")).isEmpty();
        assertThat(frame.getDomAttribute("src")).endsWith("/api/v1/messages/" + rich.id() + "/html");
        browser.switchTo().frame(frame);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "html body"));
        // The cid: image, rewritten to its attachment, loads from this server; the remote one does not load.
        wait.until(driver -> Long.valueOf(1).equals(((JavascriptExecutor) driver)
                .executeScript("return document.images[0].complete ? document.images[0].naturalWidth : -1;")));
        assertThat(((JavascriptExecutor) browser).executeScript("return document.images[1].naturalWidth;"))
                .isEqualTo(0L);
        browser.switchTo().defaultContent();

        browser.findElement(By.id("q")).sendKeys("Other");
        browser.findElement(By.id("search-button")).click();
        wait.until(driver -> subjects().equals(List.of("Other thing")));
        browser.findElement(By.id("q")).clear();
        browser.findElement(By.id("search-button")).click();
        wait.until(driver -> subjects().size() == 2);

        open("Hello browser");
        browser.findElement(By.id("release-host")).sendKeys("127.0.0.1:" + rig.secondSmtp.port());
        browser.findElement(By.id("release")).click();
        wait.until(ExpectedConditions.textMatches(By.id("release-result"), java.util.regex.Pattern.compile(
                "^released: 250 .*")));
        List<CapturedMessage> arrived = rig.second.list(CaptureQuery.ALL, 0, 10).messages();
        assertThat(arrived).extracting(CapturedMessage::subject).containsExactly("Hello browser");
        assertThat(arrived.getFirst().recipients()).containsExactly("alice@dev.test");

        browser.findElement(By.id("delete-one")).click();
        wait.until(driver -> subjects().equals(List.of("Other thing")));
        assertThat(rig.store.list(CaptureQuery.ALL, 0, 10).messages()).extracting(CapturedMessage::subject)
                .containsExactly("Other thing");
        assertThat(browser.findElement(By.id("view")).isDisplayed()).isFalse();
    }
}
