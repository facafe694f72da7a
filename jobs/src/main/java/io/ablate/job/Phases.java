package io.ablate.job;

import io.ablate.AblateException;
import io.ablate.dataset.PlanInputs;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A named phase of a job: the listener hears of it, and the Spark jobs it starts carry its name
 * as their description, which progress reports and the Spark UI show instead of a call site. A row
 * a plan refused as bad input (it cannot throw Ablate's error from the GPU) is rethrown as that.
 */
final class Phases {
  /** Spark's local property of a job's description (SparkContext.SPARK_JOB_DESCRIPTION). */
  static final String DESCRIPTION = "spark.job.description";

  private Phases() {}

  static <T> T run(SparkSession spark, JobListener listener, String name, Supplier<T> body) {
    listener.phase(name);
    SparkContext sc = spark.sparkContext();
    String before = sc.getLocalProperty(DESCRIPTION);
    sc.setJobDescription(name);
    try {
      return Timeline.pass(sc, body);
    } catch (RuntimeException e) {
      AblateException bad = PlanInputs.badInput(e);
      if (bad != null) {
        throw bad;
      }
      throw e;
    } finally {
      sc.setLocalProperty(DESCRIPTION, before);
    }
  }
}
