package io.ablate.bench;

import io.ablate.accuracy.AccuracyPass;
import io.ablate.activation.Catalogue;
import io.ablate.dataset.ActivationDataset;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * What a cold executor costs: the one-variant accuracy pass run twice in one application, and per
 * executor the time its tasks took in each pass over the rows it read (dynamic scheduling gives a
 * faster executor more tasks, so the comparison is per row). On a cluster every executor is a
 * fresh JVM: the first pass carries its class loading and JIT compilation, the second does not.
 */
public final class ExecutorWarmup {
  private ExecutorWarmup() {}

  /** The passes' names: the Spark job description the listener tells them apart by. */
  static final List<String> PASSES = List.of("executor warm-up, first pass",
      "executor warm-up, second pass");

  /**
   * One executor's share of both passes.
   *
   * @param executor the executor id ({@code driver} in local mode)
   * @param host where it ran
   * @param tasks tasks it ran, per pass
   * @param rows rows (vectors) it read, per pass
   * @param millis the time its tasks took (deserialisation and run time), per pass
   */
  public record Row(String executor, String host, long[] tasks, long[] rows, long[] millis) {
    /** Nanoseconds per row read in {@code pass} (0 or 1); NaN if it read none. */
    public double nsPerRow(int pass) {
      return rows[pass] == 0 ? Double.NaN : millis[pass] * 1e6 / rows[pass];
    }

    /** The first pass's time per row over the second's. */
    public double ratio() {
      return nsPerRow(0) / nsPerRow(1);
    }
  }

  /** Runs both passes over the dataset at {@code input}; one row per executor, by id. */
  public static List<Row> run(SparkSession spark, String input, PrintStream progress) {
    ActivationDataset dataset = ActivationDataset.open(spark, input,
        ActivationDataset.OnBadFile.FAIL);
    AccuracyPass pass = new AccuracyPass(List.of(Catalogue.variant(JobBench.ONE)),
        Catalogue.variant("gelu"), Catalogue.variant("swiglu"));
    Tasks listener = new Tasks();
    SparkContext sc = spark.sparkContext();
    sc.addSparkListener(listener);
    String before = sc.getLocalProperty("spark.job.description");
    try {
      for (String name : PASSES) {
        progress.printf("Executors: %s over %s (%s)%n", name, input, sc.master());
        sc.setJobDescription(name);
        pass.run(dataset);
      }
      // Task-end events arrive on the listener thread: wait until the bus has delivered them.
      sc.listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
    } finally {
      sc.setLocalProperty("spark.job.description", before);
      sc.removeSparkListener(listener);
    }
    List<Row> out = new ArrayList<>();
    synchronized (listener.byExecutor) {
      listener.byExecutor.forEach((id, t) -> out.add(new Row(id, t.host, t.tasks, t.rows,
          t.millis)));
    }
    return out;
  }

  /** Sums of the tasks that read rows, per executor and pass. */
  private static final class Tasks extends SparkListener {
    final Map<Integer, Integer> passOfStage = new ConcurrentHashMap<>();
    final Map<String, Totals> byExecutor = new TreeMap<>();

    static final class Totals {
      final String host;
      final long[] tasks = new long[2];
      final long[] rows = new long[2];
      final long[] millis = new long[2];

      Totals(String host) {
        this.host = host;
      }
    }

    @Override
    public void onJobStart(SparkListenerJobStart e) {
      int pass = e.properties() == null ? -1
          : PASSES.indexOf(e.properties().getProperty("spark.job.description"));
      if (pass >= 0) {
        scala.collection.Iterator<Object> ids = e.stageIds().iterator();
        while (ids.hasNext()) {
          passOfStage.put((Integer) ids.next(), pass);
        }
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      Integer pass = passOfStage.get(e.stageId());
      if (pass == null || e.taskMetrics() == null || !e.taskInfo().successful()) {
        return;
      }
      long rows = e.taskMetrics().inputMetrics().recordsRead();
      if (rows == 0) {
        return; // the merge stage: no rows of the dataset
      }
      synchronized (byExecutor) {
        Totals t = byExecutor.computeIfAbsent(e.taskInfo().executorId(),
            id -> new Totals(e.taskInfo().host()));
        t.tasks[pass]++;
        t.rows[pass] += rows;
        t.millis[pass] += e.taskMetrics().executorRunTime()
            + e.taskMetrics().executorDeserializeTime();
      }
    }
  }
}
