package dev.adjoint.runtime;

/**
 * A function f: R<sup>n</sup> &rarr; R<sup>m</sup> with its pullback (vector-Jacobian product),
 * what {@link GradCheck#check(VectorFunction, double...)} takes. The pullback at {@code x} maps an
 * output cotangent {@code v} (length m) to v<sup>T</sup>J(x) (length n), like the function that
 * {@code jax.vjp} returns.
 *
 * <pre>{@code
 * VectorFunction f = new VectorFunction() {
 *   public int inputDimension() { return 2; }
 *   public int outputDimension() { return 2; }
 *   public double[] value(double[] p) { return new double[] {p[0] * p[1], Math.sin(p[0])}; }
 *   public double[] pullback(double[] p, double[] v) {
 *     return new double[] {v[0] * p[1] + v[1] * Math.cos(p[0]), v[0] * p[0]};
 *   }
 * };
 * }</pre>
 */
public interface VectorFunction {

  /** The number n of inputs: the length of every {@code point}. */
  int inputDimension();

  /** The number m of outputs: the length of {@link #value} and of every cotangent. */
  int outputDimension();

  /**
   * The value f(point), a new array of length {@link #outputDimension()} that belongs to the
   * caller.
   *
   * @param point an array of length {@link #inputDimension()}; implementations must not modify it
   */
  double[] value(double[] point);

  /**
   * The vector-Jacobian product cotangent<sup>T</sup> J(point): entry j is &Sigma;<sub>i</sub>
   * cotangent[i] &middot; &part;f<sub>i</sub>/&part;x<sub>j</sub> at {@code point}. Pure: calling
   * it any number of times changes nothing.
   *
   * @param point an array of length {@link #inputDimension()}; implementations must not modify it
   * @param cotangent an array of length {@link #outputDimension()}; implementations must not
   *     modify it
   * @return a new array of length {@link #inputDimension()} that belongs to the caller
   */
  double[] pullback(double[] point, double[] cotangent);
}
