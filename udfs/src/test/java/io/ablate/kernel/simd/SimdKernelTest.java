package io.ablate.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ablate.activation.Catalogue;
import io.ablate.kernel.Kernel;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SimdKernel#ALL}, the kernel classes loaded before any kernel runs (so that C2 never binds a
 * call to the only subclass loaded so far), names exactly the catalogue's SIMD kernel classes.
 */
class SimdKernelTest {
  @Test
  void everyCatalogueKernelClassIsLoadedWithTheBase() {
    Set<Class<?>> used = new HashSet<>();
    // The suite's variants: the catalogue's defaults and other parameters (swish with a β that
    // is not a power of two has a kernel class of its own).
    for (String name : io.ablate.kernel.Inputs.suiteVariants()) {
      if (Catalogue.variant(name).gated()) {
        continue; // the gate's kernel, the same classes
      }
      Kernel k = Catalogue.variant(name).kernel();
      assertEquals("simd", k.impl(), name);
      used.add(k.getClass());
    }
    for (Class<?> c : used) {
      assertTrue(SimdKernel.ALL.contains(c), c.getName() + " is missing from SimdKernel.ALL");
    }
    for (Class<? extends SimdKernel> c : SimdKernel.ALL) {
      assertFalse(Modifier.isAbstract(c.getModifiers()), c.getName() + " is abstract");
      assertTrue(used.contains(c), c.getName() + " is listed but no catalogue activation uses it");
    }
  }
}
