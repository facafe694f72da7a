package io.ablate.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Device columns, views and scalars closed together, in reverse order of their creation, when the
 * scope closes; {@link #release} closes one earlier, after its last use, so that a long chain of
 * intermediates does not hold device memory until the end.
 */
public final class DeviceScope implements AutoCloseable {
  private final List<AutoCloseable> owned = new ArrayList<>();

  /** Takes {@code resource} over; returns it. */
  public <T extends AutoCloseable> T add(T resource) {
    owned.add(resource);
    return resource;
  }

  /** Closes {@code resources} now (each taken over by this scope before). */
  public void release(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      int i = owned.lastIndexOf(r);
      if (i < 0) {
        throw new IllegalArgumentException("not owned by this scope: " + r);
      }
      owned.remove(i);
      closeOne(r);
    }
  }

  private static void closeOne(AutoCloseable r) {
    try {
      r.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing device memory", e);
    }
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        closeOne(owned.get(i));
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    owned.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
