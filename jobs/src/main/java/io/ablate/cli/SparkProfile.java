package io.ablate.cli;

import io.ablate.AblateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A Spark profile ({@code --profile NAME}): Spark properties from {@code conf/NAME.conf}, or from a
 * file if NAME contains '/' or ends in {@code .conf}. The format is spark-defaults.conf's, read the
 * way {@code spark-submit --properties-file} reads it ({@link Properties}: {@code key value} or
 * {@code key=value} lines, {@code #} comments, values trimmed), so one file serves both. {@code
 * conf/} is under the system property {@code ablate.home} (the launcher sets it to the repository)
 * or else the current directory. The shipped profiles ({@link #SHIPPED}) are also in the jar and
 * are read from it when {@code conf/} does not have them.
 */
final class SparkProfile {
  private SparkProfile() {}

  /** The properties of a profile, sorted by key; bad input lists the profiles there are. */
  static Map<String, String> load(String name) {
    Path file = file(name);
    Properties p = new Properties();
    String source = file.toString();
    if (Files.isRegularFile(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw AblateException.badInput("cannot read Spark profile %s: %s", file, e.getMessage());
      }
    } else if (isName(name) && SHIPPED.contains(name)) {
      // Under spark-submit there may be no conf/ beside the driver (another directory, or a
      // worker's in cluster mode): the shipped profiles travel in the jar.
      source = "the app jar's " + name + ".conf";
      try (InputStream in = SparkProfile.class.getResourceAsStream(RESOURCES + name + ".conf")) {
        p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("the shipped profile " + name + " is missing from the "
            + "jar", e);
      }
    } else {
      throw AblateException.badInput("Spark profile '%s' not found: no file %s; profiles in %s: "
          + "%s; shipped: %s (or give the path of a .conf file)", name, file, confDir(),
          available(), String.join(", ", SHIPPED));
    }
    Map<String, String> out = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      // spark-submit ignores other keys with a warning; here a typo is an error.
      if (!key.startsWith("spark.")) {
        throw AblateException.badInput("Spark profile %s: '%s' is not a Spark property (keys "
            + "start with 'spark.')", source, key);
      }
      out.put(key, p.getProperty(key).trim());
    }
    return out;
  }

  /** The profiles in conf/ of the repository, also in the jar (see jobs/pom.xml). */
  static final List<String> SHIPPED = List.of("cluster", "gpu", "local");

  private static final String RESOURCES = "/io/ablate/profiles/";

  private static boolean isName(String name) {
    return !(name.contains("/") || name.endsWith(".conf"));
  }

  /** The file of a profile name: a path as given, or {@code conf/NAME.conf}. */
  static Path file(String name) {
    if (name.isBlank()) {
      throw AblateException.badInput("--profile is empty; profiles in %s: %s", confDir(),
          available());
    }
    return isName(name) ? confDir().resolve(name + ".conf") : Path.of(name);
  }

  /** {@code conf/} of the Ablate home ({@code -Dablate.home}) or of the current directory. */
  static Path confDir() {
    return AblateHome.resolve("conf");
  }

  /** The profile names in {@link #confDir}, sorted, or "none". */
  static String available() {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(confDir())) {
      files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".conf"))
          .forEach(n -> names.add(n.substring(0, n.length() - ".conf".length())));
    } catch (IOException e) {
      // No conf directory: no profiles to list.
    }
    names.sort(null);
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
