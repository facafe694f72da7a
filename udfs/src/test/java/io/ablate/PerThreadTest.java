package io.ablate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each thread always gets its own value, however many threads share the table's slots. */
class PerThreadTest {
  @Test
  void everyThreadKeepsItsOwnValueUnderContention() throws Exception {
    AtomicInteger created = new AtomicInteger();
    PerThread<int[]> perThread = new PerThread<>(() -> new int[] {created.incrementAndGet()});
    int threads = 200; // more than the table's slots: ids collide
    CyclicBarrier start = new CyclicBarrier(threads);
    Map<Thread, int[]> seen = new ConcurrentHashMap<>();
    List<Throwable> failures = new ArrayList<>();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
          int[] mine = perThread.get();
          for (int i = 0; i < 20_000; i++) {
            assertSame(mine, perThread.get());
          }
          seen.put(Thread.currentThread(), mine);
        } catch (Throwable e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      });
      all.add(thread);
      thread.start();
    }
    for (Thread thread : all) {
      thread.join();
    }
    assertEquals(List.of(), failures);
    assertEquals(threads, seen.size());
    Map<int[], Boolean> distinct = new IdentityHashMap<>();
    seen.values().forEach(v -> distinct.put(v, true));
    assertEquals(threads, distinct.size(), "one value per thread");
    assertEquals(threads, created.get());
  }
}
