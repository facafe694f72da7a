package io.ablate.cli;

import io.ablate.gate.Gate;
import io.ablate.job.CompareJob;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ablate compare}: the compare job ({@link CompareJob}); exit 3 when a gate trips. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Cli.Version.class,
    description = "Two succeeded runs' rows of one table (accuracy, latency or prompt_eval) "
        + "joined on their keys: per row and metric both values, the difference and the ratio, "
        + "into the comparisons table; with gates, exit 3 when a row regressed.",
    footer = {"", "Examples:",
        "  ablate compare --metrics DIR --baseline previous --candidate latest \\",
        "      --table accuracy --gate 'snr_db_delta>=-1' --gate 'max_abs_err_ratio<=1.5'",
        "  ablate compare --metrics DIR --baseline RUN_CPU --candidate RUN_GPU \\",
        "      --table latency --gate 'ns_per_elem_p50_ratio<=1.10'"})
final class CompareCommand implements Callable<Integer> {
  @ParentCommand
  Cli cli;

  @Mixin
  RunOptions run;

  @Option(names = "--baseline", required = true, paramLabel = "RUN",
      description = "RUN_ID, or previous (the latest succeeded run of the candidate's job, with "
          + "rows of a table the candidate has, that started before the candidate).")
  String baseline;

  @Option(names = "--candidate", required = true, paramLabel = "RUN",
      description = "RUN_ID, or latest (the latest succeeded run, by start time, with rows to "
          + "compare).")
  String candidate;

  @Option(names = "--table", paramLabel = "NAME",
      description = "accuracy, latency or prompt_eval (default: the one table both runs have).")
  String table;

  @Option(names = "--metric", paramLabel = "LIST", split = ",",
      description = "Numeric columns to compare, ','-separated (default: accuracy max_abs_err, "
          + "rmse, max_rel_err, snr_db, cos_sim; latency ns_per_elem_p50, ns_per_elem_p99, "
          + "elems_per_s; prompt_eval exact_match, mean_nll, mean_kl, top1_agreement, "
          + "tokens_per_s). Gates' metrics are compared too.")
  List<String> metricNames;

  @Option(names = "--gate", paramLabel = "GATE", split = ";", converter = Converters.OneGate.class,
      description = "A threshold every joined row must meet, else the row is regressed and the "
          + "command exits 3: [VARIANT:]METRIC OP NUMBER, METRIC X (the candidate's value), "
          + "X_delta (candidate - baseline) or X_ratio (candidate / baseline), e.g. "
          + "snr_db_delta>=-1, ns_per_elem_p50_ratio<=1.10. Repeatable, or ';'-separated.")
  List<Gate> gates;

  @Mixin
  SparkOptions sparkOptions;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() {
    CompareJob.Options options = new CompareJob.Options(run.metrics, baseline, candidate, table,
        metricNames == null ? List.of() : metricNames, gates == null ? List.of() : gates,
        run.runId());
    Console console = cli.console(common);
    // Metric tables are kilobytes: compared without a Spark session, as drift does.
    return show(console, CompareJob.run(Sessions.hadoopConf(
        sparkOptions.settings("local[*]", common.specConfs())), options, console.listener()));
  }

  /** The joined rows regressions first, the counts, the gates, where the rows are. */
  static int show(Console console, CompareJob.Result r) {
    console.out().print(Render.comparisons(r.rows()));
    console.out().printf("%d regressed, %d ok, %d only in baseline %s, %d only in candidate %s "
        + "(rows x metrics of %s).%n", r.count(CompareJob.REGRESSED), r.count(CompareJob.OK),
        r.count(CompareJob.ONLY_BASELINE), r.baseline(), r.count(CompareJob.ONLY_CANDIDATE),
        r.candidate(), r.table());
    console.out().print(Render.gates(r.gates()));
    console.note("Comparison rows in %s (table comparisons%s, run_id %s)", r.metrics(),
        r.gates().gates().isEmpty() ? "" : " and gates", r.runId().value());
    return r.gates().tripped() ? DriftCommand.ALERT : 0;
  }
}
