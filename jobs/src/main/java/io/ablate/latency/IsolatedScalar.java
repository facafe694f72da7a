package io.ablate.latency;

import io.ablate.kernel.Kernel;
import io.ablate.kernel.ScalarFn;
import io.ablate.kernel.ScalarKernel;
import java.io.IOException;
import java.io.InputStream;

/**
 * A {@link ScalarKernel} whose class is private to one variant. All scalar kernels share the class
 * {@code ScalarKernel}, whose loop calls {@code fn.apply}: once a JVM has run three or more
 * activations through it, the JIT's profile of that call is megamorphic, the function is no longer
 * inlined, and every scalar kernel measured afterwards is slower than it would be in a JVM running
 * one variant (measured here: up to 2x). Loading a fresh copy of the class for each variant gives
 * each its own profile, so the scalar baseline does not depend on the order of the benchmark.
 */
public final class IsolatedScalar {
  private static final String NAME = ScalarKernel.class.getName();

  private IsolatedScalar() {}

  /** A scalar kernel of {@code fn} with its own copy of the loop; the shared class if that fails. */
  public static Kernel of(ScalarFn fn) {
    try {
      Class<?> c = new Loader(ScalarKernel.class.getClassLoader()).loadClass(NAME);
      return (Kernel) c.getConstructor(ScalarFn.class).newInstance(fn);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return new ScalarKernel(fn);
    }
  }

  /** Defines its own {@code ScalarKernel}; delegates every other class to the parent. */
  private static final class Loader extends ClassLoader {
    Loader(ClassLoader parent) {
      super("ablate-bench-scalar", parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.equals(NAME)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          String path = name.replace('.', '/') + ".class";
          try (InputStream in = getParent().getResourceAsStream(path)) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] b = in.readAllBytes();
            c = defineClass(name, b, 0, b.length);
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
