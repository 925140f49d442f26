package dev.adjoint.runtime;

/**
 * A {@link DifferentiableFunction} with Hessian-vector products: what the generated {@code
 * mFunction(...)} factories of an {@code order = 2} method return (JAX users know the product as
 * {@code jvp(grad(f), (x,), (v,))[1]}). Newton-CG and trust-region optimisers take it; {@link
 * GradCheck#checkHvp(TwiceDifferentiableFunction, double...)} checks it. Implementations of the
 * base interface are unaffected.
 */
public interface TwiceDifferentiableFunction extends DifferentiableFunction {

  /**
   * Writes the Hessian at {@code point} times {@code direction} into {@code productOut} (all
   * three of length {@link #dimension()}; {@code productOut} is overwritten, the others are only
   * read). Generated functions compute it exactly, by reverse mode over forward mode, at about the
   * cost of two gradients.
   *
   * @throws IllegalArgumentException if an array's length is not {@link #dimension()}
   */
  void hessianVectorProduct(double[] point, double[] direction, double[] productOut);
}
