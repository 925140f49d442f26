package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * What the reverse sweep reads must be what the forward sweep saw: scratch arrays refilled by
 * inner loops whose range depends on a loop further out, and {@code @NoDiff} data that a call
 * changes after its use.
 */
final class TapeSoundness {
  private TapeSoundness() {}

  // ------------------------------------------------------------------ fills in deep nests

  /**
   * A fill whose range grows with the index two loops out: on trip (a, k) it fills c_0..c_a with
   * x_j - w_k; c_j for j > a is still 0. f = sum_a sum_k sum_{j <= a} (x_j - w_k) x_j.
   */
  @Differentiable
  static double fillGrowingTwoLoopsOut(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int a = 0; a < n; a++) {
      for (int k = 0; k < w.length; k++) {
        for (int j = 0; j < a + 1; j++) {
          c[j] = x[j] - w[k];
        }
        for (int j = 0; j < n; j++) {
          s += c[j] * x[j];
        }
      }
    }
    return s;
  }

  /** The same, with a range that shrinks as the index two loops out grows. */
  @Differentiable
  static double fillShrinkingTwoLoopsOut(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int a = 0; a < n; a++) {
      for (int k = 0; k < w.length; k++) {
        for (int j = 0; j < n - a; j++) {
          c[j] = x[j] - w[k];
        }
        for (int j = 0; j < n; j++) {
          s += c[j] * x[j];
        }
      }
    }
    return s;
  }

  /**
   * A fill whose bound is a local the outermost loop sets on each trip (not an index), three
   * loops out: m = 1 + (3 b + a) mod n.
   */
  @Differentiable
  static double fillBoundSetThreeLoopsOut(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int b = 0; b < 2; b++) {
      int m = 0;
      for (int a = 0; a < n; a++) {
        m = 1 + (3 * b + a) % n;
        for (int k = 0; k < w.length; k++) {
          for (int j = 0; j < m; j++) {
            c[j] = x[j] * w[k];
          }
          for (int j = 0; j < n; j++) {
            s += c[j] * x[j];
          }
        }
      }
    }
    return s;
  }

  /**
   * A fill whose range is fixed but whose elements shift with the index of the loop around it:
   * trip k fills c_k..c_{k+m-1}.
   */
  @Differentiable
  static double fillShiftedByOuterIndex(double[] x, @NoDiff double[] w) {
    int m = x.length;
    double[] c = new double[m + w.length];
    double s = 0;
    for (int k = 0; k < w.length; k++) {
      for (int j = 0; j < m; j++) {
        c[j + k] = x[j] * w[k];
      }
      for (int j = 0; j < c.length; j++) {
        s += c[j] * x[j % m];
      }
    }
    return s;
  }

  /** A fill whose start depends on the index two loops out: trip (a, k) fills c_a..c_{n-1}. */
  @Differentiable
  static double fillStartTwoLoopsOut(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int a = n - 1; a >= 0; a--) {
      for (int k = 0; k < w.length; k++) {
        for (int j = a; j < n; j++) {
          c[j] = x[j] - w[k];
        }
        for (int j = 0; j < n; j++) {
          s += c[j] * x[j];
        }
      }
    }
    return s;
  }

  /** A fill with a range fixed for the whole method, in a three-deep nest: still replayed. */
  @Differentiable
  static double fillFixedInDeepNest(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int a = 0; a < 3; a++) {
      for (int k = 0; k < w.length; k++) {
        for (int j = 0; j < n; j++) {
          c[j] = x[j] * w[k] + a;
        }
        for (int j = 0; j < n; j++) {
          s += c[j] * x[j];
        }
      }
    }
    return s;
  }
}
