package io.ablate.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ablate.AblateException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor
 * name to {@code dtype}, {@code shape} and {@code data_offsets} (relative to the end of the header),
 * then the raw little-endian data. Reads F32, F16, BF16 and F64 into float32; writes F32, F16 or BF16
 * (rounded to nearest even).
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A storage type of the format that Ablate reads. */
  public enum Dtype {
    F32(4, io.ablate.encoding.Dtype.F32), F16(2, io.ablate.encoding.Dtype.F16),
    BF16(2, io.ablate.encoding.Dtype.BF16), F64(8, null);

    final int bytes;
    /** The activation dataset's codec of the same encoding (one conversion in the project). */
    final io.ablate.encoding.Dtype vectors;

    Dtype(int bytes, io.ablate.encoding.Dtype vectors) {
      this.bytes = bytes;
      this.vectors = vectors;
    }

    static Dtype parse(Path file, String tensor, String text) {
      for (Dtype d : values()) {
        if (d.name().equals(text)) {
          return d;
        }
      }
      throw AblateException.badInput("%s: tensor %s has dtype %s; valid: F32, F16, BF16, F64", file,
          tensor, text);
    }
  }

  private Safetensors() {}

  /** Every tensor of {@code file}, in header order, as float32. */
  public static Map<String, Tensor> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw AblateException.badInput("no safetensors file %s", file);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000) {
        throw AblateException.badInput("%s: not a safetensors file (header length %d, file %d "
            + "bytes)", file, headerLen, size);
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, 8);
      JsonNode header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
      long base = 8 + headerLen;
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        out.put(e.getKey(), tensor(ch, file, base, size, e.getKey(), e.getValue()));
      }
      return out;
    } catch (IOException e) {
      throw AblateException.badInput("%s: cannot read safetensors: %s", file, e.getMessage());
    }
  }

  private static Tensor tensor(FileChannel ch, Path file, long base, long size, String name,
      JsonNode info) throws IOException {
    Dtype dtype = Dtype.parse(file, name, info.path("dtype").asText());
    JsonNode shapeNode = info.path("shape");
    int[] shape = new int[shapeNode.size()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asInt();
      n *= shape[i];
    }
    long begin = info.path("data_offsets").path(0).asLong(-1);
    long end = info.path("data_offsets").path(1).asLong(-1);
    if (begin < 0 || end - begin != n * dtype.bytes || base + end > size) {
      throw AblateException.badInput("%s: tensor %s: data_offsets [%d, %d] do not hold %d %s values "
          + "within the file (%d bytes)", file, name, begin, end, n, dtype, size);
    }
    if (n > Integer.MAX_VALUE) {
      throw AblateException.badInput("%s: tensor %s has %d values, more than Ablate reads", file,
          name, n);
    }
    ByteBuffer b = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, b, base + begin);
    float[] data;
    if (dtype == Dtype.F64) {
      data = new float[(int) n];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) b.getDouble(8 * i);
      }
    } else {
      data = dtype.vectors.decode(b.array());
    }
    return new Tensor(name, shape, data);
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int r = ch.read(b, pos + b.position());
      if (r < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  /** Writes {@code tensors} in the given order with {@code dtype} (F32, F16 or BF16). */
  public static void write(Path file, Iterable<Tensor> tensors, Dtype dtype) throws IOException {
    if (dtype == Dtype.F64) {
      throw new IllegalArgumentException("writes F32, F16 or BF16");
    }
    ObjectNode header = JSON.createObjectNode();
    long offset = 0;
    for (Tensor t : tensors) {
      ObjectNode info = header.putObject(t.name());
      info.put("dtype", dtype.name());
      var shape = info.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      long len = (long) t.data().length * dtype.bytes;
      info.putArray("data_offsets").add(offset).add(offset + len);
      offset += len;
    }
    byte[] h = JSON.writeValueAsBytes(header);
    int pad = (8 - h.length % 8) % 8; // the format aligns data to 8 bytes with trailing spaces
    byte[] hp = new byte[h.length + pad];
    System.arraycopy(h, 0, hp, 0, h.length);
    java.util.Arrays.fill(hp, h.length, hp.length, (byte) ' ');
    try (OutputStream os = Files.newOutputStream(file)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hp.length);
      os.write(len.array());
      os.write(hp);
      for (Tensor t : tensors) {
        os.write(dtype.vectors.encode(t.data(), 0, t.data().length));
      }
    }
  }
}
