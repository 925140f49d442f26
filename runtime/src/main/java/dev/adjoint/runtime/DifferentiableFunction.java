package dev.adjoint.runtime;

/**
 * A scalar function of a point in R<sup>n</sup> with its gradient: what optimisers and {@link
 * GradCheck} take. Generated {@code <method>Function(...)} factories return one with the
 * method's nondifferentiable arguments bound and its differentiable parameters flattened in
 * declaration order.
 */
public interface DifferentiableFunction {

  /** The number n of inputs. */
  int dimension();

  /** The value at {@code point}, an array of length {@link #dimension()}. */
  double value(double[] point);

  /**
   * Writes the gradient at {@code point} into {@code gradientOut} (length {@link #dimension()},
   * overwritten) and returns the value.
   */
  double valueAndGradient(double[] point, double[] gradientOut);
}
