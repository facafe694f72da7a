package io.ablate.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser harness sees what a test of an HTML page asserts: the page's errors (console,
 * uncaught exceptions, missing resources), values of JavaScript expressions, full-page
 * screenshots and layout in a narrow window. One browser for the class; without Chromium every
 * test fails, saying how to install it.
 */
class HeadlessChromiumTest {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 600;
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static HeadlessChromium chromium;

  @TempDir
  Path dir;

  @BeforeAll
  static void startChromium() throws IOException {
    chromium = HeadlessChromium.start(WIDTH, HEIGHT);
  }

  @AfterAll
  static void stopChromium() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @Test
  void cleanPageHasNoErrorsAnswersQueriesAndIsScreenshot() throws IOException {
    Path html = page("clean.html", "<title>Three marks</title>",
        "<svg width='200' height='50'><circle cx='20' cy='20' r='9'/><circle cx='60' cy='20' r='9'/>"
            + "<circle cx='100' cy='20' r='9'/></svg>");
    try (HeadlessChromium.Page page = chromium.open(html)) {
      assertEquals(List.of(), page.consoleErrors());
      assertEquals(3, page.evaluate("document.querySelectorAll('svg circle').length"));
      assertEquals("Three marks", page.evaluate("document.title"));
      assertEquals(WIDTH, page.evaluate("window.innerWidth"));

      Path png = dir.resolve("clean.png");
      page.screenshot(png);
      byte[] bytes = Files.readAllBytes(png);
      assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length));
      assertEquals(WIDTH, pngWidth(bytes));
      assertEquals(HEIGHT, pngHeight(bytes));
    }
  }

  @Test
  void screenshotCoversThePageBeyondTheViewport() throws IOException {
    Path html = page("tall.html", "", "<div style='height:1500px'></div>");
    try (HeadlessChromium.Page page = chromium.open(html)) {
      Path png = dir.resolve("tall.png");
      page.screenshot(png);
      int height = pngHeight(Files.readAllBytes(png));
      assertEquals(page.evaluate("document.documentElement.scrollHeight"), height);
      assertTrue(height > HEIGHT, "height " + height);
    }
  }

  @Test
  void consoleErrorIsReported() {
    assertOneError(page("console.html", "", "<script>console.error('boom', 42)</script>"),
        "console.error: boom 42");
  }

  @Test
  void uncaughtExceptionIsReported() {
    assertOneError(page("throws.html", "", "<script>throw new Error('bad')</script>"),
        "Uncaught Error: bad at file:");
  }

  @Test
  void missingImageIsReported() {
    assertOneError(page("image.html", "", "<img src='missing.png'>"), "missing.png");
  }

  @Test
  void remoteResourceIsNotFetched() {
    assertOneError(page("remote.html", "", "<script src='https://example.com/chart.js'></script>"),
        "ERR_NAME_NOT_RESOLVED https://example.com/chart.js");
  }

  @Test
  void evaluateThrowsTheJavaScriptError() {
    try (HeadlessChromium.Page page = chromium.open(page("empty.html", "", ""))) {
      IllegalStateException thrown = assertThrows(IllegalStateException.class,
          () -> page.evaluate("(() => { throw new RangeError('out of range') })()"));
      assertTrue(thrown.getMessage().contains("RangeError: out of range"), thrown.getMessage());
    }
  }

  @Test
  void narrowViewportShowsWhatOverflows() {
    Path wide = page("wide.html", "", "<div style='width:1000px;height:10px'></div>");
    Path fluid = page("fluid.html", "",
        "<div style='width:1000px;max-width:100%;height:10px'></div>");
    try (HeadlessChromium.Page widePage = chromium.open(wide);
        HeadlessChromium.Page fluidPage = chromium.open(fluid)) {
      widePage.setViewport(360, 640);
      fluidPage.setViewport(360, 640);
      assertEquals(360, widePage.evaluate("window.innerWidth"));
      assertTrue((Integer) widePage.evaluate("document.documentElement.scrollWidth") > 360);
      assertEquals(360, fluidPage.evaluate("document.documentElement.scrollWidth"));
    }
  }

  @Test
  void missingBrowserFailsWithTheInstallCommand() {
    Map<String, String> noChromium = Map.of("PATH", dir.toString());
    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> HeadlessChromium.start(noChromium, WIDTH, HEIGHT));
    assertTrue(thrown.getMessage().contains("apt-get install -y chromium"), thrown.getMessage());

    Path notExecutable = dir.resolve("chromium");
    Map<String, String> chosen = Map.of(HeadlessChromium.BINARY_VARIABLE, notExecutable.toString());
    thrown = assertThrows(IllegalStateException.class, () -> HeadlessChromium.start(chosen, WIDTH, HEIGHT));
    assertTrue(thrown.getMessage().contains(notExecutable.toString()), thrown.getMessage());
  }

  private void assertOneError(Path html, String expected) {
    try (HeadlessChromium.Page page = chromium.open(html)) {
      List<String> errors = page.consoleErrors();
      assertEquals(1, errors.size(), errors::toString);
      assertTrue(errors.get(0).contains(expected), errors::toString);
    }
  }

  private Path page(String name, String head, String body) {
    try {
      return Files.writeString(dir.resolve(name), "<!doctype html><html><head><meta charset='utf-8'>"
          + head + "</head><body>" + body + "</body></html>");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int pngWidth(byte[] png) {
    return ByteBuffer.wrap(png, 16, 4).getInt(); // IHDR: width, then height, big-endian
  }

  private static int pngHeight(byte[] png) {
    return ByteBuffer.wrap(png, 20, 4).getInt();
  }
}
