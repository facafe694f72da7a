package io.ablate.eval;

import ai.djl.ndarray.NDManager;
import io.ablate.dataset.ActivationDataset;
import io.ablate.encoding.Dtype;
import io.ablate.model.CatalogueFfn;
import io.ablate.model.ModelConfig;
import io.ablate.model.VariantConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Activation capture on Spark: each prompt (BOS, prompt, and its answer when it has one) runs
 * through the baseline forward pass, and the FFN activation input of every chosen layer and token,
 * exactly as the pass hands it to its activation kernel ({@link CatalogueFfn.Hook}), becomes one row
 * of an activation dataset: site {@code ffn.pre} (elementwise FFN) or {@code ffn.gate_up} (gated:
 * gate half first, then up), {@code sample_id} the prompt id, {@code token} the position, the
 * vector binary-encoded in {@code dtype}. A prompt runs alone, so its rows do not depend on the
 * partitioning.
 *
 * @param layers the layers to keep; empty for all
 */
public record Capture(String modelDir, String model, String checkpoint, int[] layers, Dtype dtype,
    int partitions) implements Serializable {

  public static StructType schema() {
    return new StructType()
        .add("model", DataTypes.StringType, false).add("checkpoint", DataTypes.StringType, false)
        .add("layer", DataTypes.IntegerType, false).add("site", DataTypes.StringType, false)
        .add("sample_id", DataTypes.StringType, false).add("token", DataTypes.IntegerType, false)
        .add("data", DataTypes.BinaryType, false).add("dtype", DataTypes.StringType, false);
  }

  /** The site a model's vectors are captured at: one per FFN kind it has, comma-separated. */
  public static String site(ModelConfig c) {
    return c.mixedKinds() ? ActivationDataset.DEFAULT_SITE + "," + ActivationDataset.GATED_SITE
        : c.gated() ? ActivationDataset.GATED_SITE : ActivationDataset.DEFAULT_SITE;
  }

  public Dataset<Row> run(Dataset<Row> prompts) {
    Capture self = this;
    return prompts.repartition(partitions, prompts.col("id")).mapPartitions(
        (MapPartitionsFunction<Row, Row>) it -> self.partition(it).iterator(),
        Encoders.row(schema()));
  }

  List<Row> partition(Iterator<Row> it) {
    PromptRunner runner = ExecutorModels.get(modelDir, 1);
    ModelConfig c = runner.modelDir().config();
    VariantConfig base = VariantConfig.parse("baseline", c);
    boolean[] keep = new boolean[c.layers()];
    Arrays.fill(keep, layers.length == 0);
    for (int l : layers) {
      keep[l] = true;
    }
    List<Row> out = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      while (it.hasNext()) {
        Prompt p = PromptData.prompt(it.next());
        int[] seq = runner.sequence(p);
        CatalogueFfn ffn = new CatalogueFfn(base, (layer, row, gate, up, off, len) -> {
          if (!keep[layer]) {
            return;
          }
          byte[] data;
          if (up == null) {
            data = dtype.encode(gate, off, len);
          } else {
            float[] gu = new float[2 * len];
            System.arraycopy(gate, off, gu, 0, len);
            System.arraycopy(up, off, gu, len, len);
            data = dtype.encode(gu, 0, 2 * len);
          }
          String site = up == null ? ActivationDataset.DEFAULT_SITE : ActivationDataset.GATED_SITE;
          out.add(RowFactory.create(model, checkpoint, layer, site, p.id(), row, data,
              dtype.label()));
        });
        runner.decoder().score(m, new int[][] {seq}, new int[][] {{seq.length - 1}}, ffn);
      }
    }
    return out;
  }
}
