package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * The residuals of a damped oscillation {@code a·exp(−b·t)·cos(c·t + d)} at sampled times against
 * observations: what a least-squares fit (Levenberg–Marquardt) needs with its 200 × 4 Jacobian.
 */
public final class CurveFit {
  private CurveFit() {}

  @Differentiable
  public static double[] residual(double[] p, @NoDiff double[] t, @NoDiff double[] observed) {
    double[] r = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      r[i] = p[0] * Math.exp(-p[1] * t[i]) * Math.cos(p[2] * t[i] + p[3]) - observed[i];
    }
    return r;
  }

  /** The Jacobian written by hand, row by row, sharing exp, cos and sin within each row. */
  public static double[][] jacobian(double[] p, double[] t) {
    double[][] j = new double[t.length][4];
    for (int i = 0; i < t.length; i++) {
      double e = Math.exp(-p[1] * t[i]);
      double angle = p[2] * t[i] + p[3];
      double c = Math.cos(angle);
      double s = Math.sin(angle);
      j[i][0] = e * c;
      j[i][1] = -t[i] * p[0] * e * c;
      j[i][2] = -t[i] * p[0] * e * s;
      j[i][3] = -p[0] * e * s;
    }
    return j;
  }
}
