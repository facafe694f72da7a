package io.ablate;

import java.util.function.Supplier;

/**
 * A per-thread value (scratch buffers of kernels that may be shared between threads), with a small
 * table in front of its {@link ThreadLocal}: a slot per thread id holding (thread, value), read
 * without a lock. In Spark's executor threads {@code ThreadLocal.get} mostly missed its first probe
 * (the threads carry many thread-locals) and walked the table: in JFR samples of the eight-variant
 * accuracy pass that walk cost as much as a kernel, with several lookups per vector.
 *
 * <p>Correct under races: a slot is an immutable (thread, value) pair, so a thread reads either its
 * own pair or another's (then it takes the {@code ThreadLocal} and claims the slot). A slot keeps a
 * finished thread's value until another thread claims it: at most {@value #SLOTS} small buffers.
 */
public final class PerThread<T> {
  private static final int SLOTS = 64;

  private final ThreadLocal<T> local;
  private final Slot<?>[] slots = new Slot<?>[SLOTS];

  private record Slot<T>(Thread thread, T value) {}

  public PerThread(Supplier<T> initial) {
    this.local = ThreadLocal.withInitial(initial);
  }

  /** This thread's value. */
  @SuppressWarnings("unchecked")
  public T get() {
    Thread t = Thread.currentThread();
    int i = (int) t.getId() & (SLOTS - 1);
    Slot<?> s = slots[i];
    if (s != null && s.thread() == t) {
      return (T) s.value();
    }
    T v = local.get();
    slots[i] = new Slot<>(t, v);
    return v;
  }
}
