package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import java.util.Arrays;

/**
 * {@code Arrays.fill} and {@code System.arraycopy} with ranges the caller chooses: lowered to
 * loops, they must still throw what the JDK's range checks throw.
 */
final class ArrayRoutineRanges {
  private ArrayRoutineRanges() {}

  /** sum_i (i + 1) y_i, with y_i = x_i^2 except x_0 in [from, to). */
  @Differentiable
  static double fillRange(double[] x, int from, int to) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] * x[i];
    }
    Arrays.fill(y, from, to, x[0]);
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      s += y[i] * (i + 1);
    }
    return s;
  }

  /** sum_i (i + 1) z_i, with z zero but z[destPos + k] = x[srcPos + k]^2 for k < n. */
  @Differentiable
  static double copyRange(double[] x, int srcPos, @NoDiff double[] into, int destPos, int n) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] * x[i];
    }
    double[] z = new double[into.length];
    System.arraycopy(y, srcPos, z, destPos, n);
    double s = 0;
    for (int i = 0; i < z.length; i++) {
      s += z[i] * (i + 1);
    }
    return s;
  }
}
