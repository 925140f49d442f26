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

  /**
   * The directional derivative at {@code point} along {@code direction} (both of length {@link
   * #dimension()}): a JVP. This default takes the gradient's dot product with the direction, a
   * zero direction coordinate contributing exactly 0; generated functions override it with a
   * forward-mode sweep, so that {@link GradCheck} can compare two different computations.
   */
  default double jvp(double[] point, double[] direction) {
    if (direction.length != dimension()) {
      throw new IllegalArgumentException("expected a direction of length " + dimension()
          + ", but it has length " + direction.length);
    }
    double[] gradient = new double[dimension()];
    valueAndGradient(point, gradient);
    return Buffers.dot(gradient, direction);
  }
}
