package io.ablate.job;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Lets Spark's Kryo serializer carry Java records (the passes' keys and partial results), which
 * Kryo 4's field serializer cannot ("can't get field offset on a record class"): every record
 * is serialised with Java serialisation inside Kryo. {@link #ensure} adds it to a session's
 * settings whenever Kryo is the serializer.
 */
public final class RecordKryo implements KryoRegistrator {
  /** The registrator's class name, as {@code spark.kryo.registrator} lists it. */
  public static final String NAME = RecordKryo.class.getName();

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
  }

  /**
   * The {@code spark.kryo.registrator} value a session needs, given its serializer and the
   * registrators already set (either may be null): the same value, with this class added when the
   * serializer is Kryo and the list lacks it; null when nothing needs setting.
   */
  public static String registrators(String serializer, String registrators) {
    if (serializer == null || !serializer.contains("KryoSerializer")) {
      return null;
    }
    if (registrators == null || registrators.isBlank()) {
      return NAME;
    }
    return java.util.Arrays.asList(registrators.split("\\s*,\\s*")).contains(NAME) ? null
        : registrators + "," + NAME;
  }
}
