package io.ablate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.AblateException;
import io.ablate.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A prompt row without an id, a task or a text is bad input naming the file and the row. */
class PromptDataTest {
  private static SparkSession spark;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("prompt-data").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void nullTextsTasksAndIdsAreNamedAndCompleteRowsRead() throws Exception {
    String parquet = dir.resolve("p.parquet").toString();
    spark.sql("SELECT 'a1' AS id, 't' AS task, 'Hello' AS prompt, ' world' AS answer UNION ALL "
        + "SELECT 'a2', 't', CAST(NULL AS STRING), 'x'").write().parquet(parquet);
    AblateException e = assertThrows(AblateException.class,
        () -> PromptData.read(spark, parquet));
    assertEquals(AblateException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().equals("prompt dataset " + parquet + ": a row has a null 'prompt' "
        + "(id a2, task t); every prompt needs an id, a task and a text"), e.getMessage());

    Path jsonl = dir.resolve("p.jsonl");
    Files.writeString(jsonl, "{\"id\":\"b1\",\"task\":\"t\",\"prompt\":\"x\"}\n"
        + "{\"id\":\"b2\",\"prompt\":\"y\"}\n");
    AblateException task = assertThrows(AblateException.class,
        () -> PromptData.read(spark, jsonl.toString()));
    assertTrue(task.getMessage().contains("a row has a null 'task' (id b2, task null)"),
        task.getMessage());

    Path good = dir.resolve("good.jsonl");
    Files.writeString(good, "{\"id\":\"c1\",\"task\":\"t\",\"prompt\":\"x\"}\n");
    assertEquals(1, PromptData.read(spark, good.toString()).count());
  }
}
