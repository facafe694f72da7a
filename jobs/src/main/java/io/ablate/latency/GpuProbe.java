package io.ablate.latency;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this JVM can run the GPU forms, probed once: an NVIDIA driver on the host, then cuDF
 * (from the RAPIDS jar) loading its native libraries and counting CUDA devices. The driver check
 * comes first because loading cuDF's native libraries costs seconds (about 18 s on a CPU-only
 * test machine) only to fail there.
 */
final class GpuProbe {
  private static final Logger LOG = LoggerFactory.getLogger(GpuProbe.class);

  /** Files that exist where an NVIDIA driver is loaded (Linux, containers with GPUs, WSL). */
  static final List<String> DRIVER_FILES =
      List.of("/proc/driver/nvidia/version", "/dev/nvidiactl", "/dev/dxg");

  private static boolean probed;
  private static String unavailable;
  private static String name;

  private GpuProbe() {}

  /** Null when a CUDA device is usable from cuDF here, else why not. */
  static synchronized String unavailableReason() {
    probe();
    return unavailable;
  }

  /** The device's name, e.g. "NVIDIA A100-SXM4-40GB (cuda:0, cc 8.0)"; null without a GPU. */
  static synchronized String deviceName() {
    probe();
    return name;
  }

  private static void probe() {
    if (probed) {
      return;
    }
    probed = true;
    if (DRIVER_FILES.stream().noneMatch(f -> Files.exists(Path.of(f)))) {
      unavailable = "no NVIDIA driver on this host (none of " + String.join(", ", DRIVER_FILES)
          + ")";
    } else {
      try {
        int count = GpuTimer.deviceCount();
        if (count <= 0) {
          unavailable = "cuDF sees no CUDA device";
        } else {
          int device = GpuTimer.currentDevice();
          name = String.format(Locale.ROOT, "%s (cuda:%d, cc %s)", nvidiaSmiName(device), device,
              GpuTimer.computeCapability());
        }
      } catch (Throwable t) { // RAPIDS jar absent, native libraries or CUDA driver unusable, ...
        unavailable = "cuDF cannot use a GPU here: " + t;
      }
    }
    if (unavailable != null) {
      LOG.info("latency: gpu not timed: {}", unavailable);
    } else {
      LOG.info("latency: gpu {}", name);
    }
  }

  /** cuDF has no device-name call; nvidia-smi has. "CUDA device" when it cannot be run. */
  private static String nvidiaSmiName(int device) {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader",
          "-i", Integer.toString(device)).redirectErrorStream(true).start();
      if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!out.isEmpty()) {
          return out.lines().findFirst().orElse(out);
        }
      }
      p.destroyForcibly();
    } catch (IOException e) {
      // not installed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "CUDA device";
  }
}
