package io.ablate.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Moves float32 data between PyTorch tensors (through DJL) and Java arrays, which Ablate's kernels
 * take. On the CPU, {@code toByteBuffer(true)} of a contiguous tensor is a direct buffer over the
 * tensor's own memory, so a read is one copy and a write goes straight into the tensor (no new
 * tensor). Whether that holds is checked once per JVM ({@link #aliases}); where it does not, writes
 * go through {@link NDArray#set(java.nio.Buffer)}.
 */
final class EngineBuffers {
  private static Boolean aliases;

  private EngineBuffers() {}

  /** {@code dst[0..n)} = the tensor's {@code n} floats. */
  static void read(NDArray a, float[] dst, int n) {
    view(a).get(dst, 0, n);
  }

  /** The tensor's floats = {@code src[0..n)}, written into the tensor's own memory. */
  static void write(float[] src, int n, NDArray a) {
    if (aliases(a.getManager())) {
      view(a).put(src, 0, n);
    } else {
      a.set(FloatBuffer.wrap(src, 0, n));
    }
  }

  private static FloatBuffer view(NDArray a) {
    ByteBuffer bb = a.toByteBuffer(true);
    return bb.order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** Whether a tensor's direct buffer is its memory (a write through it is seen by the engine). */
  static synchronized boolean aliases(NDManager manager) {
    if (aliases == null) {
      try (NDManager m = manager.newSubManager()) {
        NDArray t = m.create(new float[] {1f, 2f, 3f, 4f});
        ByteBuffer bb = t.toByteBuffer(true);
        boolean ok = bb.isDirect() && !bb.isReadOnly();
        if (ok) {
          bb.order(ByteOrder.nativeOrder()).asFloatBuffer().put(2, 42f);
          ok = t.add(0f).toFloatArray()[2] == 42f; // a fresh tensor computed by the engine
        }
        aliases = ok;
      }
    }
    return aliases;
  }
}
