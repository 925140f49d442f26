package dev.adjoint.runtime;

/**
 * A function f: R<sup>n</sup> &rarr; R<sup>m</sup> with its pullback (vector-Jacobian product),
 * what {@link GradCheck#check(VectorFunction, double...)} and least-squares optimisers take. The
 * pullback at {@code x} maps an output cotangent {@code v} (length m) to v<sup>T</sup>J(x) (length
 * n), like the function that {@code jax.vjp} returns. Its JVP and its Jacobian have defaults built
 * from pullbacks (m of them); a generated {@code mVectorFunction} overrides both with forward mode.
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

  /**
   * The Jacobian-vector product J(point) direction: entry i is &Sigma;<sub>j</sub>
   * &part;f<sub>i</sub>/&part;x<sub>j</sub> &middot; direction[j], the derivative of f along
   * {@code direction}. This default takes one pullback per output (m of them), entry i being the
   * pullback of the unit cotangent e<sub>i</sub> dotted with the direction, a zero direction
   * coordinate contributing exactly 0; generated functions override it with one forward sweep, so
   * that {@link GradCheck} can compare two different computations.
   *
   * @param point an array of length {@link #inputDimension()}; implementations must not modify it
   * @param direction an array of length {@link #inputDimension()}; implementations must not modify
   *     it
   * @return a new array of length {@link #outputDimension()} that belongs to the caller
   * @throws IllegalArgumentException if {@code direction} is not of length {@link
   *     #inputDimension()}
   */
  default double[] jvp(double[] point, double[] direction) {
    if (direction.length != inputDimension()) {
      throw new IllegalArgumentException("expected a direction of length " + inputDimension()
          + ", but it has length " + direction.length);
    }
    double[][] jacobian = valueAndJacobian(point).jacobian();
    double[] tangent = new double[jacobian.length];
    for (int i = 0; i < tangent.length; i++) {
      tangent[i] = Buffers.dot(jacobian[i], direction);
    }
    return tangent;
  }

  /**
   * The value f(point) and the Jacobian J(point), which Gauss-Newton and Levenberg-Marquardt
   * optimisers need together. This default takes the value, then one pullback per output (m of
   * them); generated functions override it with forward sweeps, one per input, where inputs are
   * fewer.
   *
   * @param point an array of length {@link #inputDimension()}; implementations must not modify it
   * @return the value and the m &times; n Jacobian, new arrays that belong to the caller
   */
  default ValueAndJacobian valueAndJacobian(double[] point) {
    int m = outputDimension();
    double[] value = value(point);
    double[][] jacobian = new double[m][];
    double[] unit = new double[m];
    for (int i = 0; i < m; i++) {
      unit[i] = 1.0;
      jacobian[i] = pullback(point, unit.clone());
      unit[i] = 0.0;
    }
    return new ValueAndJacobian(value, jacobian);
  }

  /**
   * A value f(x) and the Jacobian J(x) at the same point.
   *
   * @param value f(x), of length m
   * @param jacobian J(x): m rows (outputs) of n entries (inputs); entry [i][j] is &part;f<sub>i
   *     </sub>/&part;x<sub>j</sub>
   */
  record ValueAndJacobian(double[] value, double[][] jacobian) {
    /** The value and the Jacobian's rows, element by element. */
    @Override
    public String toString() {
      return "ValueAndJacobian[value=" + java.util.Arrays.toString(value) + ", jacobian="
          + java.util.Arrays.deepToString(jacobian) + "]";
    }
  }
}
