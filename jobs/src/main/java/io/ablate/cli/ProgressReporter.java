package io.ablate.cli;

import io.ablate.dataset.VectorReader;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress of a job's phases on the terminal. Only stages of Spark jobs that a job named (its
 * phases set the Spark job description: "accuracy pass", "profile pass", ...) are shown: per
 * stage, tasks done of total, rows read and rows per second, and for the accuracy pass the float
 * values read; at most every {@code intervalMillis} and when a stage completes. A completed stage
 * that read no rows is not shown. Listener events arrive on Spark's listener thread.
 */
final class ProgressReporter extends SparkListener {
  private static final String DESCRIPTION = "spark.job.description";

  private final PrintStream out;
  private final long intervalMillis;
  private final Map<Integer, String> descriptions = new ConcurrentHashMap<>();
  private final Map<Integer, Stage> stages = new ConcurrentHashMap<>();
  private final AtomicLong lastPrint = new AtomicLong();

  private static final class Stage {
    final String name;
    final int tasks;
    final long started = System.nanoTime();
    final AtomicLong done = new AtomicLong();
    final AtomicLong rows = new AtomicLong();
    final AtomicLong values = new AtomicLong();

    Stage(String name, int tasks) {
      this.name = name;
      this.tasks = tasks;
    }
  }

  ProgressReporter(PrintStream out, long intervalMillis) {
    this.out = out;
    this.intervalMillis = intervalMillis;
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    String description = e.properties() == null ? null : e.properties().getProperty(DESCRIPTION);
    if (description != null) {
      scala.collection.Iterator<Object> ids = e.stageIds().iterator();
      while (ids.hasNext()) {
        descriptions.put((Integer) ids.next(), description);
      }
    }
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    String name = descriptions.remove(e.stageInfo().stageId());
    if (name != null) {
      stages.put(e.stageInfo().stageId(), new Stage(name, e.stageInfo().numTasks()));
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    Stage s = stages.get(e.stageId());
    if (s == null) {
      return;
    }
    long done = s.done.incrementAndGet();
    if (e.taskMetrics() != null) {
      s.rows.addAndGet(e.taskMetrics().inputMetrics().recordsRead()
          + e.taskMetrics().shuffleReadMetrics().recordsRead());
    }
    s.values.addAndGet(valuesRead(e));
    long now = System.currentTimeMillis();
    long last = lastPrint.get();
    // The stage's last task is reported by onStageCompleted.
    if (done < s.tasks && s.rows.get() > 0 && now - last >= intervalMillis
        && lastPrint.compareAndSet(last, now)) {
      print(e.stageId(), s, false);
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    Stage s = stages.remove(e.stageInfo().stageId());
    if (s != null && s.rows.get() + s.values.get() > 0) {
      print(e.stageInfo().stageId(), s, true);
    }
  }

  /** The task's update of the values accumulator of the accuracy pass (0 in other stages). */
  private static long valuesRead(SparkListenerTaskEnd e) {
    long n = 0;
    scala.collection.Iterator<AccumulableInfo> it = e.taskInfo().accumulables().iterator();
    while (it.hasNext()) {
      AccumulableInfo a = it.next();
      if (a.name().contains(VectorReader.VALUES_ACCUMULATOR) && a.update().isDefined()
          && a.update().get() instanceof Long v) {
        n += v;
      }
    }
    return n;
  }

  private void print(int id, Stage s, boolean finished) {
    double seconds = Math.max(1e-9, (System.nanoTime() - s.started) / 1e9);
    out.println(line(id, s.name, s.done.get(), s.tasks, s.rows.get(), s.values.get(), seconds,
        finished));
  }

  /**
   * {@code   accuracy pass [stage 3]: 45/200 tasks, 1200000 rows, 2.4e+05 rows/s, 5.0 s}, with
   * {@code , 1.2e+09 values, 2.4e+08 values/s} before the time when values were counted.
   */
  static String line(int id, String name, long done, int tasks, long rows, long values,
      double seconds, boolean finished) {
    String valuePart = values == 0 ? ""
        : String.format(Locale.ROOT, ", %d values, %.2e values/s", values, values / seconds);
    return String.format(Locale.ROOT, "  %s [stage %d]: %d/%d tasks, %d rows, %.2e rows/s%s, "
        + "%.1f s%s", name, id, done, tasks, rows, rows / seconds, valuePart, seconds,
        finished ? ", done" : "");
  }
}
