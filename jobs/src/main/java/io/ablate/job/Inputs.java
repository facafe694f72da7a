package io.ablate.job;

import io.ablate.dataset.ActivationDataset;

/** How a job describes what it read. */
final class Inputs {
  private Inputs() {}

  /** "3 files" or "3 files, 1 corrupt file skipped". */
  static String files(ActivationDataset dataset) {
    int skipped = dataset.skipped().size();
    return dataset.files().size() + " files" + (skipped == 0 ? ""
        : ", " + skipped + " corrupt file" + (skipped == 1 ? "" : "s") + " skipped");
  }
}
