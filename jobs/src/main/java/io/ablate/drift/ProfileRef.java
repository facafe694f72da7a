package io.ablate.drift;

import io.ablate.AblateException;
import io.ablate.profile.Profile;
import io.ablate.repository.MetricsRepository;
import io.ablate.repository.RunId;
import io.ablate.repository.RunRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * A reference to profiles in a metrics repository: {@code RUN_ID} (a succeeded {@code profile}
 * run), {@code RUN_ID/CHECKPOINT} (one checkpoint of it), {@code latest} (the latest succeeded
 * profile run, by start time) or {@code previous} (the latest succeeded profile run that started
 * before the other side's run and has profiles of one of its models — what a nightly schedule
 * compares with). Resolved into {@link Side}: a label ({@code run_id[/checkpoint]}) and one
 * profile per (model, layer, site, variant).
 */
public final class ProfileRef {
  public static final String TABLE = "profiles";
  public static final String PREVIOUS = "previous";
  public static final String LATEST = "latest";

  /** What a drift row is keyed by. */
  public record Key(String model, int layer, String site, String variant)
      implements Comparable<Key> {
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::model)
        .thenComparingInt(Key::layer).thenComparing(Key::site)
        .thenComparing(Key::variant, Comparator.nullsFirst(Comparator.naturalOrder()));

    static Key of(Profile p) {
      return new Key(p.model(), p.layer(), p.site(), p.variant());
    }

    @Override
    public int compareTo(Key o) {
      return ORDER.compare(this, o);
    }
  }

  /** A resolved reference: its run, its label and its profiles by key. */
  public record Side(RunRecord run, String label, Map<Key, Profile> profiles) {
    Set<String> models() {
      Set<String> m = new TreeSet<>();
      profiles.keySet().forEach(k -> m.add(k.model()));
      return m;
    }
  }

  private final MetricsRepository repo;
  private final List<RunRecord> runs;

  /** The succeeded profile runs of {@code repo}, oldest first. */
  public ProfileRef(MetricsRepository repo) {
    this.repo = repo;
    this.runs = new ArrayList<>(repo.runRecords().stream()
        .filter(r -> r.job().equals("profile") && r.status() == RunRecord.Status.SUCCEEDED)
        .toList());
    runs.sort(Comparator.comparing(RunRecord::startedAt).thenComparing(RunRecord::runId));
  }

  /**
   * Resolves {@code ref}; {@code other} is the already resolved other side, needed by
   * {@code previous} (null otherwise). Bad input names what is missing and what exists.
   */
  public Side resolve(String ref, Side other) {
    String text = ref.trim();
    if (runs.isEmpty()) {
      throw AblateException.badInput("no succeeded profile runs in %s: run 'ablate profile' first",
          repo.dir());
    }
    if (text.equals(LATEST)) {
      return side(runs.get(runs.size() - 1), null);
    }
    if (text.equals(PREVIOUS)) {
      if (other == null) {
        throw AblateException.badInput("'previous' is relative to the other side: give a run id "
            + "or 'latest' for the candidate");
      }
      Set<String> models = other.models();
      Map<String, Set<String>> runModels = runModels();
      RunRecord found = null;
      for (RunRecord r : runs) {
        boolean earlier = r.startedAt().isBefore(other.run().startedAt())
            || (r.startedAt().equals(other.run().startedAt())
                && r.runId().compareTo(other.run().runId()) < 0);
        if (earlier && !r.runId().equals(other.run().runId())
            && runModels.getOrDefault(r.runId().value(), Set.of()).stream()
                .anyMatch(models::contains)) {
          found = r;
        }
      }
      if (found == null) {
        throw AblateException.badInput("no 'previous' profile run: no succeeded profile run of "
            + "model %s started before run %s in %s", String.join(", ", models),
            other.run().runId().value(), repo.dir());
      }
      return side(found, null);
    }
    int slash = text.indexOf('/');
    String id = slash < 0 ? text : text.substring(0, slash);
    String checkpoint = slash < 0 ? null : text.substring(slash + 1);
    RunId runId = RunId.of(id);
    RunRecord run = runs.stream().filter(r -> r.runId().equals(runId)).findFirst().orElse(null);
    if (run == null) {
      String known = repo.runRecord(runId).map(r -> " (it is a " + r.status().text() + " "
          + r.job() + " run)").orElse(" (no such run)");
      throw AblateException.badInput("run %s is not a succeeded profile run in %s%s; profile runs "
          + "there: %s", id, repo.dir(), known, runs.stream().map(r -> r.runId().value())
              .toList());
    }
    if (checkpoint != null && checkpoint.isEmpty()) {
      throw AblateException.badInput("'%s': give a checkpoint after '/', or just the run id", text);
    }
    return side(run, checkpoint);
  }

  private Map<String, Set<String>> runModels() {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Row r : repo.rows(TABLE, null).rows()) {
      out.computeIfAbsent(r.getAs("run_id"), x -> new TreeSet<>()).add(r.getAs("model"));
    }
    return out;
  }

  private Side side(RunRecord run, String checkpoint) {
    String id = run.runId().value();
    List<Profile> all = new ArrayList<>();
    for (Row r : repo.rows(TABLE, Set.of(id)).rows()) {
      all.add(Profile.fromRow(r));
    }
    Set<String> checkpoints = new TreeSet<>();
    all.forEach(p -> checkpoints.add(p.checkpoint()));
    if (checkpoint != null && !checkpoints.contains(checkpoint)) {
      throw AblateException.badInput("run %s has no checkpoint '%s'; its checkpoints: %s", id,
          checkpoint, checkpoints);
    }
    Map<Key, Profile> byKey = new TreeMap<>();
    for (Profile p : all) {
      if (checkpoint != null && !p.checkpoint().equals(checkpoint)) {
        continue;
      }
      Profile earlier = byKey.put(Key.of(p), p);
      if (earlier != null) {
        throw AblateException.badInput("run %s has profiles of checkpoints %s: give one, as "
            + "%s/CHECKPOINT", id, checkpoints, id);
      }
    }
    return new Side(run, checkpoint == null ? id : id + "/" + checkpoint, byKey);
  }
}
