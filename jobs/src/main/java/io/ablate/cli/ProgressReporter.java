package io.ablate.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress of a long job on the terminal: per stage, tasks done of total, rows read and rows per
 * second, printed at most every {@code intervalMillis} and when a stage completes. Registered by
 * the job commands on their session; listener events arrive on Spark's listener thread.
 */
final class ProgressReporter extends SparkListener {
  private final PrintStream out;
  private final long intervalMillis;
  private final Map<Integer, Stage> stages = new ConcurrentHashMap<>();
  private final AtomicLong lastPrint = new AtomicLong();

  private static final class Stage {
    final String name;
    final int tasks;
    final long started = System.nanoTime();
    final AtomicLong done = new AtomicLong();
    final AtomicLong rows = new AtomicLong();

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
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    stages.put(e.stageInfo().stageId(), new Stage(e.stageInfo().name(), e.stageInfo().numTasks()));
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
    long now = System.currentTimeMillis();
    long last = lastPrint.get();
    // The stage's last task is reported by onStageCompleted.
    if (done < s.tasks && now - last >= intervalMillis && lastPrint.compareAndSet(last, now)) {
      print(e.stageId(), s, false);
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    Stage s = stages.remove(e.stageInfo().stageId());
    if (s != null) {
      print(e.stageInfo().stageId(), s, true);
    }
  }

  private void print(int id, Stage s, boolean finished) {
    double seconds = Math.max(1e-9, (System.nanoTime() - s.started) / 1e9);
    out.println(line(id, s.name, s.done.get(), s.tasks, s.rows.get(), seconds, finished));
  }

  /** {@code stage 3 (collect at …): 45/200 tasks, 1200000 rows, 2.4e+05 rows/s, 5.0 s}. */
  static String line(int id, String name, long done, int tasks, long rows, double seconds,
      boolean finished) {
    return String.format(Locale.ROOT, "  stage %d (%s): %d/%d tasks, %d rows, %.2e rows/s, %.1f s%s",
        id, name.length() > 40 ? name.substring(0, 40) : name, done, tasks, rows, rows / seconds,
        seconds, finished ? ", done" : "");
  }
}
