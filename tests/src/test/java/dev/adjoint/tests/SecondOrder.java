package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/** Methods with {@code order = 2}: their Hessian-vector products and Hessians (issue 12). */
final class SecondOrder {
  private SecondOrder() {}

  /** Rosenbrock's function of n variables: a loop over neighbouring pairs. */
  @Differentiable(order = 2)
  static double rosenbrock(double[] x) {
    double s = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = 1 - x[i];
      double b = x[i + 1] - x[i] * x[i];
      s += a * a + 100 * b * b;
    }
    return s;
  }

  /** The quadratic form xᵀAx, A any square matrix (a constant): Hessian A + Aᵀ. */
  @Differentiable(order = 2)
  static double quadratic(double[] x, @NoDiff double[][] a) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        s += x[i] * a[i][j] * x[j];
      }
    }
    return s;
  }

  /** log(1 + eˣ), as written: second derivative σ(x)(1 − σ(x)). */
  @Differentiable(order = 2)
  static double softplus(double x) {
    return Math.log(1 + Math.exp(x));
  }

  /** Loops, an if on the data, Math calls, a scalar beside an array, an int and a constant. */
  @Differentiable(order = 2)
  static double branchy(double[] x, double y, int rounds, @NoDiff double scale) {
    double s = Math.sin(y) * scale;
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < x.length; i++) {
        if (x[i] > 0) {
          s += Math.sqrt(x[i]) * y + Math.exp(-x[i] * x[i]);
        } else {
          s += Math.pow(x[i], 3) * Math.cos(y) - x[i] / (1 + y * y);
        }
      }
      s = s * 0.5 + Math.tanh(s) * y;
    }
    return s + Math.hypot(y, x[0]) + Math.atan2(x[0], 2 + y * y);
  }

  /** A matrix parameter: Σ_ij m_ij² m_ji + exp(m_00 · m_11) + log(1 + m_01²). */
  @Differentiable(order = 2)
  static double matrix(double[][] m) {
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        s += m[i][j] * m[i][j] * m[j][i];
      }
    }
    return s + Math.exp(m[0][0] * m[1][1]) + Math.log(1 + m[0][1] * m[0][1]);
  }

  /** Two scalars: f = x sin(y) + e^(xy), whose Hessian has a closed form. */
  @Differentiable(order = 2)
  static double scalars(double x, double y) {
    return x * Math.sin(y) + Math.exp(x * y);
  }
}
