package com.imagingmanifest.gateway.viewer;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven by its chromedriver through Selenium, with a fresh profile that
 * is deleted on close. A missing browser or driver fails with the line that installs them.
 */
public final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    static final Duration SETTLE = Duration.ofSeconds(60);

    private final Path profile;
    private final WebDriver driver;

    private Chromium(Path profile, WebDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    public static Chromium start() throws IOException {
        for (Path tool : List.of(BINARY, DRIVER)) {
            if (!Files.isExecutable(tool)) {
                throw new IllegalStateException(tool + " is missing: the real-browser tests need Debian's chromium"
                        + " and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run installs them)");
            }
        }
        Path profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new Chromium(profile, new ChromeDriver(service, options));
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Opens a key-image page and waits until every image has settled (or the page reports an error);
     * returns its images.
     */
    public List<WebElement> openKeyImages(String url) {
        driver.get("about:blank"); // a new fragment alone would not load the page again
        driver.get(url);
        new WebDriverWait(driver, SETTLE).until(b -> "true".equals(
                b.findElement(By.tagName("body")).getDomAttribute("data-settled"))
                || b.findElement(By.id("status")).getAttribute("class").contains("error"));
        return driver.findElements(By.cssSelector("#grid img"));
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
