package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/** double[] parameters and locals: reads, writes, compound writes, lengths, data arrays. */
final class Arrays {
  private Arrays() {}

  /** The N-dimensional Rosenbrock function. */
  @Differentiable
  static double rosenbrock(double[] x) {
    double sum = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      sum += 100 * a * a + b * b;
    }
    return sum;
  }

  /** w . v with v data: the gradient is v. */
  @Differentiable
  static double dot(double[] w, @NoDiff double[] v) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      s += w[i] * v[i];
    }
    return s;
  }

  /** A scratch array written, updated in place and read back: sum of squared prefix sums. */
  @Differentiable
  static double prefixSquares(double[] x, double scale) {
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = scale * x[i];
      if (i > 0) {
        p[i] += p[i - 1];
      }
    }
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      s += p[i] * p[i];
    }
    return s;
  }

  /** An element overwritten twice and incremented: y[0] = x0; y[0] = y[0]^2; y[0]++. */
  @Differentiable
  static double overwrite(double[] x) {
    double[] y = new double[1];
    y[0] = x[0];
    y[0] = y[0] * y[0];
    y[0]++;
    return y[0] * x[1];
  }

  /** Arrays handed to another @Differentiable method, twice, and filled and copied. */
  @Differentiable
  static double composed(double[] x, @NoDiff double[] v) {
    double[] y = new double[x.length];
    System.arraycopy(x, 0, y, 0, x.length);
    y[0] = y[0] * 3;
    double[] ones = new double[x.length];
    java.util.Arrays.fill(ones, 1.0);
    return rosenbrock(y) + dot(x, v) + dot(y, ones);
  }

  /**
   * A scratch array overwritten after each call that reads it: the callee's pullback must see
   * the elements as they were at its call. f = sum over i of rosenbrock((x_i, x_0)).
   */
  @Differentiable
  static double callThenOverwrite(double[] x) {
    double[] y = new double[2];
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      y[0] = x[i];
      y[1] = x[0];
      s += rosenbrock(y);
    }
    return s;
  }

  /**
   * A scratch array refilled by an inner loop on every outer trip, then read: the reverse sweep
   * runs the fill again instead of recording the elements it overwrites. Plus c[0] read after
   * the outer loop, which sees the last fill. f = sum_k sum_j (j + 1)(x_j - w_k)^2 + c_0.
   */
  @Differentiable
  static double refill(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int k = 0; k < w.length; k++) {
      for (int j = 0; j < n; j++) {
        c[j] = x[j] - w[k];
      }
      for (int j = 0; j < n; j++) {
        s += c[j] * c[j] * (j + 1);
      }
    }
    return n > 0 ? s + c[0] : s;
  }

  /**
   * The same, where the fill cannot be run again: it fills k + 1 elements on trip k (its range
   * depends on the outer index), so the tape records what each fill overwrites.
   * f = sum_k sum_{j <= k} (j + 1) c_j^2, where c_j was last filled on trip k as x_j - w_k.
   */
  @Differentiable
  static double refillGrowing(double[] x, @NoDiff double[] w) {
    double[] c = new double[x.length];
    double s = 0;
    for (int k = 0; k < w.length && k < x.length; k++) {
      for (int j = 0; j <= k; j++) {
        c[j] = x[j] - w[k];
      }
      for (int j = 0; j < c.length; j++) {
        s += c[j] * c[j] * (j + 1);
      }
    }
    return s;
  }

  /**
   * A scratch array read (through a callee) before the inner loop refills it: the callee's
   * pullback needs the last trip's elements, so the fill cannot simply run again.
   * f = sum_k [rosenbrock(c) before trip k's fill] with c_j = x_j - w_{k-1} (zeros at k = 0).
   */
  @Differentiable
  static double readThenRefill(double[] x, @NoDiff double[] w) {
    double[] c = new double[x.length];
    double s = 0;
    for (int k = 0; k < w.length; k++) {
      s += rosenbrock(c);
      for (int j = 0; j < x.length; j++) {
        c[j] = x[j] - w[k];
      }
    }
    return s;
  }
}
