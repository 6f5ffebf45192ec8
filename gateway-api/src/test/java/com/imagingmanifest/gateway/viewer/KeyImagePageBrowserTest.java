package com.imagingmanifest.gateway.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.gateway.security.TestTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The key-image page in a real browser: Debian's chromium, driven by its chromedriver through
 * Selenium, against the gateway and a real Orthanc. The page must show every selected image (two CT
 * images and two frames of a multi-frame instance) as {@code loaded}, take the token from the
 * fragment and drop it from the address, navigate by keyboard, and see nothing with another
 * organization's token. Writes {@code target/key-image-page.png}.
 */
class KeyImagePageBrowserTest extends ViewerGatewayTest {
    Chromium chromium;
    WebDriver browser;

    @BeforeAll
    void start() throws IOException {
        data = ViewerTestData.store(port, ORG, "P-PAGE-" + System.nanoTime());
        chromium = Chromium.start();
        browser = chromium.driver();
    }

    @AfterAll
    void stop() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    String page(String org, String token) {
        return "http://127.0.0.1:" + port + "/organizations/" + org + "/viewer/ImagingManifest/" + data.manifestId()
                + "#token=" + token;
    }

    List<WebElement> open(String org, String token) {
        return chromium.openKeyImages(page(org, token));
    }

    /** The HTTP status of a GET the page's own script could make with {@code token}. */
    int fetchStatus(String url, String token) {
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[2];"
                + "fetch(arguments[0], {headers: {Authorization: 'Bearer ' + arguments[1]}})"
                + ".then(r => done(r.status), e => done(-1));", url, token);
        return ((Number) status).intValue();
    }

    @Test
    void everySelectedImageLoadsAndTheRestIsRefused() throws IOException {
        String token = TestTokens.token(ApiTestSupport.DATA_DIR, ORG, TestTokens.READ);
        List<WebElement> images = open(ORG, token);
        assertThat(images).hasSize(4);
        for (WebElement img : images) {
            assertThat(img.getDomAttribute("data-state")).as(img.getDomAttribute("data-src")).isEqualTo("loaded");
            assertThat(((Number) ((JavascriptExecutor) browser).executeScript("return arguments[0].naturalWidth", img))
                    .intValue()).isEqualTo(ViewerTestData.SIZE);
        }
        assertThat(browser.findElement(By.id("patient")).getText()).isEqualTo("Test^Patient");
        assertThat(browser.findElement(By.id("author")).getText()).isEqualTo("Doe^Jane");
        assertThat(browser.findElement(By.id("description")).getText()).contains("Two CT images");
        assertThat(browser.findElement(By.id("title")).getText()).isEqualTo("Of Interest");
        assertThat(browser.findElement(By.id("time")).getText()).startsWith("2024-01-15T10:15:00");
        // the token left the address bar (and was never in a request line: it is a fragment)
        assertThat(browser.getCurrentUrl()).doesNotContain("token");
        Path shot = Path.of("target", "key-image-page.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        // keyboard: next tile, full-size view, next image in it, close
        browser.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
        assertThat(browser.switchTo().activeElement().findElement(By.tagName("img")).getDomAttribute("data-src"))
                .isEqualTo(images.get(1).getDomAttribute("data-src"));
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);
        WebElement full = browser.findElement(By.id("full"));
        assertThat(full.isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("full-caption")).getText()).startsWith("2 / 4");
        browser.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
        assertThat(browser.findElement(By.id("full-caption")).getText()).startsWith("3 / 4");
        Files.write(Path.of("target", "key-image-page-full.png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        assertThat(full.isDisplayed()).isFalse();

        // through the proxy, from the page: an instance of the study outside the selection, an unselected frame
        assertThat(fetchStatus(data.ct(port, ORG, 2, "/rendered"), token)).isEqualTo(404);
        assertThat(fetchStatus(data.multiFrame(port, ORG, "/frames/2/rendered"), token)).isEqualTo(404);
        assertThat(fetchStatus(data.ct(port, ORG, 0, "/rendered"), token)).isEqualTo(200);
    }

    @Test
    void aTokenOfAnotherOrganizationSeesNothing() {
        String other = TestTokens.token(ApiTestSupport.DATA_DIR, ApiTestSupport.OTHER_SLUG, TestTokens.ALL);
        open(ORG, other);
        assertThat(browser.findElement(By.id("status")).getText()).contains("HTTP 404");
        assertThat(browser.findElements(By.cssSelector("#grid img"))).isEmpty();
        assertThat(fetchStatus(data.ct(port, ORG, 0, "/rendered"), other)).isEqualTo(404);
        // and the other organization's own page for this id: no such manifest there
        open(ApiTestSupport.OTHER_SLUG, other);
        assertThat(browser.findElement(By.id("status")).getText()).contains("HTTP 404");
        assertThat(browser.findElements(By.cssSelector("#grid img"))).isEmpty();
    }

    @Test
    void theR5ViewOfTheSameManifestShowsTheSameImages() {
        String token = TestTokens.token(ApiTestSupport.DATA_DIR, ORG, TestTokens.READ);
        List<WebElement> images = chromium.openKeyImages(page(ORG, token).replace("/viewer/ImagingManifest/",
                "/viewer/ImagingSelection/"));
        assertThat(images).hasSize(4);
        assertThat(images).allSatisfy(img -> assertThat(img.getDomAttribute("data-state")).isEqualTo("loaded"));
        assertThat(images.get(3).getDomAttribute("data-src")).endsWith("/frames/3/rendered");
        assertThat(browser.findElement(By.id("patient")).getText()).isEqualTo("Test^Patient");
        assertThat(browser.findElement(By.id("description")).getText()).contains("Two CT images");
        assertThat(browser.findElement(By.id("time")).getText()).isNotEmpty();
    }
}
