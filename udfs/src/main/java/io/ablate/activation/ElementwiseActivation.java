package io.ablate.activation;

import java.util.List;

/**
 * Base of the elementwise activations: the descriptive parts (name, formula, source, error bound,
 * parameters) given once to the constructor; subclasses write the three forms (definition, scalar
 * function, SIMD kernel).
 */
public abstract class ElementwiseActivation implements Activation {
  private final String name;
  private final String formula;
  private final String source;
  private final AccuracyBound bound;
  private final List<Param> params;

  protected ElementwiseActivation(String name, String formula, String source, AccuracyBound bound,
      Param... params) {
    this.name = name;
    this.formula = formula;
    this.source = source;
    this.bound = bound;
    this.params = List.of(params);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Kind kind() {
    return Kind.ELEMENTWISE;
  }

  @Override
  public final List<Param> params() {
    return params;
  }

  @Override
  public final String formula() {
    return formula;
  }

  @Override
  public final String source() {
    return source;
  }

  @Override
  public final AccuracyBound bound() {
    return bound;
  }
}
