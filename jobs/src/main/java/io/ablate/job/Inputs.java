package io.ablate.job;

import io.ablate.dataset.ActivationDataset;
import io.ablate.repository.MetricsRepository;

/** How a job describes what it read. */
final class Inputs {
  private Inputs() {}

  /**
   * "read 3 of 3 files (1.2 MB of 1.2 MB)", with ", where …" under a selection and ", 1 corrupt
   * file skipped" when one was.
   */
  static String files(ActivationDataset dataset) {
    int skipped = dataset.skipped().size();
    return dataset.reading().text()
        + (dataset.where() == null ? "" : ", where " + dataset.where())
        + (skipped == 0 ? ""
        : ", " + skipped + " corrupt file" + (skipped == 1 ? "" : "s") + " skipped");
  }

  /**
   * What a run records of its reading, in its args: the selection, and the files and bytes listed
   * and read.
   */
  static RunArgs record(RunArgs args, ActivationDataset dataset) {
    if (dataset.where() != null) {
      args.put("where", dataset.where());
    }
    ActivationDataset.Reading r = dataset.reading();
    return args.put("files_listed", r.filesListed()).put("bytes_listed", r.bytesListed())
        .put("files_read", r.filesRead()).put("bytes_read", r.bytesRead());
  }

  /**
   * With float64 vectors, the number of values that rounding to float32 changed, as the CPU pass
   * just counted them, into the run's args ({@code values_rounded}); the GPU plan does not count
   * them ({@code values_rounded} -1).
   */
  static void recordRounding(MetricsRepository.Run run, RunArgs args, ActivationDataset dataset,
      boolean counted) {
    if (dataset.float64()) {
      run.args(args.put("values_rounded", counted ? dataset.roundedValues() : -1).json());
    }
  }
}
