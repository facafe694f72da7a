package io.ablate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A headless Chromium for tests that load local HTML files: it starts the browser as a child
 * process with a temporary profile and drives it over the Chrome DevTools Protocol, through the
 * JDK's WebSocket client and Jackson. A {@link Page} reports the page's errors, evaluates
 * JavaScript, takes screenshots and emulates a window size.
 *
 * <p>The browser has no network: background services are off and no host name resolves, so a page
 * that needs a remote resource logs an error instead of loading it. Every wait ends after
 * {@link #TIMEOUT} with an error that quotes the end of Chromium's stderr.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** The longest wait for the browser to start, answer a command or load a page. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);
  /**
   * Environment variable naming the browser binary; by default the first of chromium,
   * chromium-browser and google-chrome on PATH.
   */
  public static final String BINARY_VARIABLE = "ABLATE_CHROMIUM";
  private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
  private static final String DEVTOOLS_LINE = "DevTools listening on ";
  private static final int STDERR_TAIL_LINES = 30;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path profile;
  private final int width;
  private final int height;
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final CompletableFuture<URI> devToolsUrl = new CompletableFuture<>();
  private final DevTools devTools = new DevTools();
  private final Thread killOnExit = new Thread(this::close, "chromium-kill-on-exit");
  private volatile boolean closed;

  private HeadlessChromium(Process process, Path profile, int width, int height) {
    this.process = process;
    this.profile = profile;
    this.width = width;
    this.height = height;
  }

  /** Whether a browser binary is found ({@value #BINARY_VARIABLE}, else on PATH). */
  public static boolean available() {
    return locate(System.getenv()).isPresent();
  }

  /**
   * Starts a browser whose pages have a {@code width} × {@code height} CSS-pixel viewport.
   *
   * @throws IllegalStateException when no browser is found (the message says how to install
   *     one), or when it does not start within {@link #TIMEOUT}
   */
  public static HeadlessChromium start(int width, int height) throws IOException {
    return start(System.getenv(), width, height);
  }

  static HeadlessChromium start(Map<String, String> env, int width, int height) throws IOException {
    Path binary = locate(env).orElseThrow(() -> new IllegalStateException(notFound(env)));
    Path profile = Files.createTempDirectory("ablate-chromium-");
    Process process;
    try {
      process = new ProcessBuilder(command(binary, profile, width, height))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      deleteTree(profile);
      throw e;
    }
    HeadlessChromium chromium = new HeadlessChromium(process, profile, width, height);
    try {
      chromium.connect();
    } catch (RuntimeException e) {
      chromium.close();
      throw e;
    }
    return chromium;
  }

  static Optional<Path> locate(Map<String, String> env) {
    String chosen = env.get(BINARY_VARIABLE);
    if (chosen != null && !chosen.isBlank()) {
      return Optional.of(Path.of(chosen)).filter(HeadlessChromium::isExecutableFile);
    }
    String path = env.getOrDefault("PATH", "");
    return NAMES.stream()
        .flatMap(name -> Stream.of(path.split(File.pathSeparator))
            .filter(dir -> !dir.isBlank())
            .map(dir -> Path.of(dir, name)))
        .filter(HeadlessChromium::isExecutableFile)
        .findFirst();
  }

  private static boolean isExecutableFile(Path file) {
    return Files.isRegularFile(file) && Files.isExecutable(file);
  }

  private static String notFound(Map<String, String> env) {
    String chosen = env.get(BINARY_VARIABLE);
    if (chosen != null && !chosen.isBlank()) {
      return BINARY_VARIABLE + "=" + chosen + " is not an executable file";
    }
    return "No Chromium on PATH (looked for " + String.join(", ", NAMES) + "). Tests that load HTML"
        + " in a browser need it: install Debian's package (apt-get install -y chromium), or set "
        + BINARY_VARIABLE + " to a Chromium or Chrome binary";
  }

  private static List<String> command(Path binary, Path profile, int width, int height) {
    return List.of(binary.toString(),
        "--headless=new",
        "--no-sandbox", // the sandbox refuses to run as root
        "--disable-gpu",
        "--disable-dev-shm-usage", // containers have a small /dev/shm
        "--remote-debugging-port=0",
        "--user-data-dir=" + profile,
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        // No network: no background services, and no host name resolves.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--disable-sync",
        "--no-pings",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--mute-audio",
        "--window-size=" + width + "," + height,
        "about:blank");
  }

  private void connect() {
    Runtime.getRuntime().addShutdownHook(killOnExit);
    Thread reader = new Thread(this::readStderr, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    // Made while the browser starts: the JDK's first HTTP client takes about a second.
    HttpClient client = HttpClient.newHttpClient();
    URI url = await(devToolsUrl, "Chromium printing its DevTools address");
    devTools.socket = await(
        client.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(url, devTools),
        "connecting to Chromium's DevTools at " + url);
  }

  /** Drains stderr (a full pipe would stall the browser), keeping its last lines for errors. */
  private void readStderr() {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        synchronized (stderrTail) {
          if (stderrTail.size() == STDERR_TAIL_LINES) {
            stderrTail.removeFirst();
          }
          stderrTail.addLast(line);
        }
        if (line.startsWith(DEVTOOLS_LINE)) {
          devToolsUrl.complete(URI.create(line.substring(DEVTOOLS_LINE.length()).trim()));
        }
      }
    } catch (IOException ignored) {
      // The browser was killed; its stderr closes with it.
    }
    devToolsUrl.completeExceptionally(
        failure("Chromium exited before it printed its DevTools address", null));
  }

  private IllegalStateException failure(String what, Throwable cause) {
    String tail;
    synchronized (stderrTail) {
      tail = String.join("\n", stderrTail);
    }
    return new IllegalStateException(what + "\nChromium's stderr, last lines:\n" + tail, cause);
  }

  private <T> T await(Future<T> future, String what) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw failure("Timed out after " + TIMEOUT.toSeconds() + " s: " + what, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw failure("Failed: " + what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted: " + what, e);
    }
  }

  /**
   * Opens {@code htmlFile} in a new tab with this browser's viewport and returns once the page has
   * loaded (its load event: scripts run, images loaded or failed).
   */
  public Page open(Path htmlFile) {
    if (!Files.isRegularFile(htmlFile)) {
      throw new IllegalArgumentException("No such HTML file: " + htmlFile);
    }
    String targetId = devTools.call(null, "Target.createTarget", params().put("url", "about:blank"))
        .path("targetId").asText();
    String sessionId = devTools.call(null, "Target.attachToTarget",
        params().put("targetId", targetId).put("flatten", true)).path("sessionId").asText();
    Page page = new Page(targetId, sessionId);
    devTools.pages.put(sessionId, page);
    try {
      page.call("Runtime.enable", params());
      page.call("Log.enable", params());
      page.call("Page.enable", params());
      page.call("Page.setLifecycleEventsEnabled", params().put("enabled", true));
      page.setViewport(width, height);
      page.navigate(htmlFile.toUri());
      return page;
    } catch (RuntimeException e) {
      try {
        page.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /** Kills the browser and its processes, and deletes its profile. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (devTools.socket != null) {
      devTools.socket.abort();
    }
    // Listed before the browser dies: its children then leave its process tree.
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    awaitExit(children);
    deleteTree(profile);
    if (Thread.currentThread() != killOnExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs or has run.
      }
    }
  }

  /**
   * Waits for the browser and its processes to end, so that none writes to the profile as it is
   * deleted. Polls: the JDK's exit wait for processes that are not its children sleeps up to
   * seconds between checks.
   */
  private void awaitExit(List<ProcessHandle> children) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try {
      process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      while (!children.stream().allMatch(HeadlessChromium::ended) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether a process has ended, zombies included: the browser's children outlive it as zombies
   * until init reaps them, about a second later on Linux, with nothing left open.
   */
  private static boolean ended(ProcessHandle child) {
    if (!child.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(child.pid()), "stat"));
      char state = stat.substring(stat.lastIndexOf(')') + 1).trim().charAt(0);
      return state == 'Z' || state == 'X';
    } catch (IOException | RuntimeException e) {
      return !child.isAlive();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete Chromium's profile " + dir, e);
    }
  }

  private static ObjectNode params() {
    return JSON.createObjectNode();
  }

  /** One tab, attached to the browser's DevTools connection as a session. */
  public final class Page implements AutoCloseable {
    private final String targetId;
    private final String sessionId;
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Void>> loads = new ConcurrentHashMap<>();

    private Page(String targetId, String sessionId) {
      this.targetId = targetId;
      this.sessionId = sessionId;
    }

    /**
     * Everything the page reported as an error so far, in order: {@code console.error} and failed
     * {@code console.assert} calls ("console.error: boom"), uncaught exceptions ("Uncaught Error:
     * bad at file:///…:3:9"), and the browser's error log, which includes resources that failed to
     * load ("Failed to load resource: net::ERR_FILE_NOT_FOUND file:///…/missing.png").
     */
    public List<String> consoleErrors() {
      // A round trip first: the page's messages before it arrive before its answer.
      call("Runtime.evaluate", params().put("expression", "0"));
      return List.copyOf(errors);
    }

    /**
     * The value of a JavaScript expression (a promise is awaited), as JSON maps to Java: Integer,
     * Long or Double, String, Boolean, List, Map, or null (also for undefined); NaN, ±Infinity
     * and -0 as Double, a BigInt as BigInteger.
     *
     * @throws IllegalStateException with the JavaScript error when the expression throws
     */
    public Object evaluate(String jsExpression) {
      JsonNode reply = call("Runtime.evaluate", params()
          .put("expression", jsExpression).put("returnByValue", true).put("awaitPromise", true));
      if (reply.has("exceptionDetails")) {
        throw new IllegalStateException("JavaScript threw evaluating " + jsExpression + ": "
            + exceptionMessage(reply.path("exceptionDetails")));
      }
      JsonNode result = reply.path("result");
      if (result.has("unserializableValue")) {
        String value = result.path("unserializableValue").asText();
        return value.endsWith("n")
            ? new BigInteger(value.substring(0, value.length() - 1))
            : Double.valueOf(value);
      }
      JsonNode value = result.path("value");
      return value.isMissingNode() ? null : JSON.convertValue(value, Object.class);
    }

    /** Writes a PNG of the whole page (beyond the viewport), at one device pixel per CSS pixel. */
    public void screenshot(Path png) throws IOException {
      JsonNode content = call("Page.getLayoutMetrics", params()).path("cssContentSize");
      ObjectNode clip = params()
          .put("x", 0).put("y", 0)
          .put("width", Math.ceil(content.path("width").asDouble()))
          .put("height", Math.ceil(content.path("height").asDouble()))
          .put("scale", 1);
      ObjectNode request = params().put("format", "png").put("captureBeyondViewport", true);
      request.set("clip", clip);
      String data = call("Page.captureScreenshot", request).path("data").asText();
      Files.write(png, Base64.getDecoder().decode(data));
    }

    /** Emulates a desktop window of {@code width} × {@code height} CSS pixels, one device pixel each. */
    public void setViewport(int width, int height) {
      call("Emulation.setDeviceMetricsOverride", params()
          .put("width", width).put("height", height)
          .put("deviceScaleFactor", 1).put("mobile", false));
    }

    /** Closes the tab. */
    @Override
    public void close() {
      devTools.pages.remove(sessionId);
      if (!closed) {
        devTools.call(null, "Target.closeTarget", params().put("targetId", targetId));
      }
    }

    private void navigate(URI url) {
      JsonNode reply = call("Page.navigate", params().put("url", url.toString()));
      if (reply.hasNonNull("errorText")) {
        throw new IllegalStateException(
            "Chromium could not open " + url + ": " + reply.path("errorText").asText());
      }
      await(load(reply.path("loaderId").asText()), "loading " + url);
    }

    /** Completes when the document of this loader id has fired its load event, before or after this call. */
    private CompletableFuture<Void> load(String loaderId) {
      return loads.computeIfAbsent(loaderId, id -> new CompletableFuture<>());
    }

    private JsonNode call(String method, ObjectNode params) {
      return devTools.call(sessionId, method, params);
    }

    private void onEvent(String method, JsonNode params) {
      switch (method) {
        case "Runtime.consoleAPICalled" -> {
          String type = params.path("type").asText();
          if (type.equals("error") || type.equals("assert")) {
            List<String> args = new ArrayList<>();
            params.path("args").forEach(arg -> args.add(text(arg)));
            errors.add("console." + type + ": " + String.join(" ", args));
          }
        }
        case "Runtime.exceptionThrown" -> errors.add(exceptionMessage(params.path("exceptionDetails")));
        case "Log.entryAdded" -> {
          JsonNode entry = params.path("entry");
          if (entry.path("level").asText().equals("error")) {
            String url = entry.path("url").asText("");
            errors.add(entry.path("text").asText() + (url.isEmpty() ? "" : " " + url));
          }
        }
        case "Page.lifecycleEvent" -> {
          if (params.path("name").asText().equals("load")) {
            load(params.path("loaderId").asText()).complete(null);
          }
        }
        default -> { }
      }
    }

    /** A console argument as the console shows it: a primitive's value, else the object's description. */
    private static String text(JsonNode remoteObject) {
      JsonNode value = remoteObject.path("value");
      if (value.isTextual()) {
        return value.asText();
      }
      if (!value.isMissingNode()) {
        return value.toString();
      }
      return remoteObject.path("description").asText(remoteObject.path("type").asText());
    }

    private static String exceptionMessage(JsonNode details) {
      JsonNode exception = details.path("exception");
      String description = exception.hasNonNull("description")
          ? exception.path("description").asText().lines().findFirst().orElse("")
          : text(exception);
      String where = details.path("url").asText("");
      if (!where.isEmpty()) {
        where = " at " + where + ":" + (details.path("lineNumber").asInt() + 1)
            + ":" + (details.path("columnNumber").asInt() + 1);
      }
      return details.path("text").asText("Uncaught") + " " + description + where;
    }
  }

  /** The browser's DevTools connection: commands by id, events routed to their page's session. */
  private final class DevTools implements WebSocket.Listener {
    private final Map<Integer, Pending> replies = new ConcurrentHashMap<>();
    private final Map<String, Page> pages = new ConcurrentHashMap<>();
    private final AtomicInteger lastId = new AtomicInteger();
    private final StringBuilder message = new StringBuilder();
    private volatile WebSocket socket;

    JsonNode call(String sessionId, String method, ObjectNode params) {
      int id = lastId.incrementAndGet();
      ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
      if (sessionId != null) {
        command.put("sessionId", sessionId);
      }
      command.set("params", params);
      CompletableFuture<JsonNode> reply = new CompletableFuture<>();
      replies.put(id, new Pending(method, reply));
      synchronized (this) { // one message at a time on a WebSocket
        await(socket.sendText(command.toString(), true).toCompletableFuture(), "sending " + method);
      }
      return await(reply, method);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        String text = message.toString();
        message.setLength(0);
        dispatch(text);
      }
      webSocket.request(1);
      return null;
    }

    private void dispatch(String text) {
      JsonNode message;
      try {
        message = JSON.readTree(text);
      } catch (IOException e) {
        throw new UncheckedIOException("Unreadable DevTools message: " + text, e);
      }
      if (message.has("id")) {
        Pending pending = replies.remove(message.path("id").asInt());
        if (pending == null) {
          return;
        }
        if (message.has("error")) {
          String error = message.path("error").path("message").asText();
          pending.reply().completeExceptionally(
              new IllegalStateException("Chromium refused " + pending.method() + ": " + error));
        } else {
          pending.reply().complete(message.path("result"));
        }
      } else {
        Page page = pages.get(message.path("sessionId").asText());
        if (page != null) {
          page.onEvent(message.path("method").asText(), message.path("params"));
        }
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      failAll(failure("Chromium closed its DevTools connection (" + statusCode + " " + reason + ")", null));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      failAll(failure("Chromium's DevTools connection failed", error));
    }

    private void failAll(IllegalStateException error) {
      replies.values().forEach(pending -> pending.reply().completeExceptionally(error));
      replies.clear();
    }
  }

  private record Pending(String method, CompletableFuture<JsonNode> reply) {}
}
