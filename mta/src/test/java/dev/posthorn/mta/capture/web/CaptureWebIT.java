package dev.posthorn.mta.capture.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.posthorn.mta.capture.CaptureQuery;
import dev.posthorn.mta.capture.CaptureStore;
import dev.posthorn.mta.capture.CapturedMessage;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The page in a real browser against the real thing: {@code bin/posthorn dev} started as a child process from the
 * packaged jar, mail sent to it with {@code swaks}, the page driven in Debian's {@code chromium} through
 * {@code chromium-driver}, headless. Mail appears without a reload; a message opens with its text and HTML (the
 * cid: image in the sandboxed iframe); search narrows the list; a message is released to a second sink (an SMTP
 * server capturing into a store of its own) and deleted. Without chromium or swaks this fails when {@code CI} is set,
 * and is skipped otherwise.
 */
class CaptureWebIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SWAKS = Path.of("/usr/bin/swaks");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration SEND = Duration.ofSeconds(30);
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    /** Text and HTML alternatives (the HTML with a cid: image and a remote one), an inline PNG and a file. */
    private static final String RICH = """
            From: rich@client.test
            To: viewer@dev.test
            Subject: Other thing
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="=_mixed_42"

            --=_mixed_42
            Content-Type: multipart/alternative; boundary="=_alt_42"

            --=_alt_42
            Content-Type: text/plain; charset=UTF-8

            plain body words
            --=_alt_42
            Content-Type: text/html; charset=UTF-8

            <html><body><p>html <b>body</b></p><img src="cid:logo@dev.test">\
            <img src="https://remote.example/track.png"><script>alert(1)</script></body></html>
            --=_alt_42--
            --=_mixed_42
            Content-Type: image/png
            Content-Transfer-Encoding: base64
            Content-ID: <logo@dev.test>
            Content-Disposition: inline

            iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==
            --=_mixed_42
            Content-Type: text/html; charset=UTF-8
            Content-Disposition: attachment; filename="../../evil \\"name\\".html"

            <script>alert(1)</script>
            --=_mixed_42--
            """;

    @TempDir
    Path dir;

    private DevProcess dev;
    private CaptureStore second;
    private SmtpServer secondSmtp;
    private WebDriver browser;
    private WebDriverWait wait;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            missing.add("Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + ")");
        }
        if (!Files.isExecutable(SWAKS)) {
            missing.add("swaks (" + SWAKS + ")");
        }
        String needs = "the browser test needs " + String.join(" and ", missing)
                + ": sudo apt-get install chromium chromium-driver swaks";
        if (!missing.isEmpty() && System.getenv("CI") != null) {
            fail(needs);
        }
        assumeTrue(missing.isEmpty(), needs + "; skipped (it fails instead when CI is set)");
        dev = DevProcess.start(dir);
        Files.createDirectories(dir.resolve("second"));
        second = CaptureStore.open(dir.resolve("second"), 100, null, Clock.systemUTC());
        secondSmtp = SmtpServer.builder().hostname("second.posthorn.test").sink(second).build().start();
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
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (dev != null) {
            dev.stop();
        }
        if (secondSmtp != null) {
            secondSmtp.close();
        }
        if (second != null) {
            second.close();
        }
    }

    /** Sends one message to {@code posthorn dev} with swaks; fails with swaks's transcript unless it succeeds. */
    private void swaks(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(SWAKS.toString(), "--server",
                "127.0.0.1:" + dev.smtpPort(), "--helo", "client.test", "--timeout", "20"));
        command.addAll(List.of(arguments));
        Path transcript = Files.createTempFile(dir, "swaks", ".txt");
        Process swaks = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(transcript.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!swaks.waitFor(SEND.toSeconds(), TimeUnit.SECONDS)) {
            swaks.destroyForcibly();
            fail("swaks did not finish within " + SEND + ": " + Files.readString(transcript));
        }
        assertThat(swaks.exitValue()).as("swaks %s:%n%s", arguments, Files.readString(transcript)).isZero();
    }

    private String api(String path) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(dev.base() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(path).isEqualTo(200);
        return answer.body();
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
        try {
            mailAppearsOpensSearchesDeletesAndReleasesIn();
        } catch (AssertionError | RuntimeException e) {
            e.addSuppressed(new AssertionError("posthorn dev's log:\n" + dev.log()));
            throw e;
        }
    }

    private void mailAppearsOpensSearchesDeletesAndReleasesIn() throws Exception {
        browser.get(dev.base() + "/");
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");

        swaks("--from", "app@client.test", "--to", "alice@dev.test", "--header", "Subject: Hello browser",
                "--body", "plain words for the text tab");
        wait.until(driver -> subjects().contains("Hello browser"));
        Path rich = dir.resolve("rich.eml");
        Files.writeString(rich, RICH, StandardCharsets.UTF_8);
        swaks("--from", "rich@client.test", "--to", "viewer@dev.test", "--data", rich.toString());
        wait.until(driver -> subjects().equals(List.of("Other thing", "Hello browser")));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true;"))
                .isEqualTo(Boolean.TRUE);
        Matcher richId = ID.matcher(api("/api/v1/messages?subject=Other"));
        assertThat(richId.find()).isTrue();

        open("Hello browser");
        browser.findElement(By.cssSelector("#tabs button[data-tab=text]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tab-text"), "plain words"));

        open("Other thing");
        browser.findElement(By.cssSelector("#tabs button[data-tab=html]")).click();
        WebElement frame = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("html-frame")));
        assertThat(frame.getDomAttribute("sandbox")).isEmpty();
        assertThat(frame.getDomAttribute("src")).endsWith("/api/v1/messages/" + richId.group(1) + "/html");
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
        browser.findElement(By.id("release-host")).sendKeys("127.0.0.1:" + secondSmtp.port());
        browser.findElement(By.id("release")).click();
        wait.until(ExpectedConditions.textMatches(By.id("release-result"), Pattern.compile("^released: 250 .*")));
        List<CapturedMessage> arrived = second.list(CaptureQuery.ALL, 0, 10).messages();
        assertThat(arrived).extracting(CapturedMessage::subject).containsExactly("Hello browser");
        assertThat(arrived.getFirst().recipients()).containsExactly("alice@dev.test");

        browser.findElement(By.id("delete-one")).click();
        wait.until(driver -> subjects().equals(List.of("Other thing")));
        assertThat(api("/api/v1/messages")).contains("\"total\":1", "Other thing").doesNotContain("Hello browser");
        assertThat(browser.findElement(By.id("view")).isDisplayed()).isFalse();
    }
}
