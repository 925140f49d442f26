package dev.adjoint.benchmarks;

import java.util.function.ToDoubleFunction;

/** Central finite differences in every coordinate: 2 n evaluations of the primal. */
public final class FiniteDifferences {
  private FiniteDifferences() {}

  /** The step: about the cube root of the double epsilon, scaled by |x_i| where that exceeds 1. */
  static final double STEP = 1e-5;

  /**
   * Writes (f(x + h e_i) - f(x - h e_i)) / 2h into {@code g[i]} for every i, perturbing {@code x}
   * in place and restoring each coordinate after use.
   */
  public static void central(ToDoubleFunction<double[]> f, double[] x, double[] g) {
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      double h = STEP * Math.max(1, Math.abs(xi));
      x[i] = xi + h;
      double plus = f.applyAsDouble(x);
      x[i] = xi - h;
      double minus = f.applyAsDouble(x);
      x[i] = xi;
      g[i] = (plus - minus) / (2 * h);
    }
  }
}
