package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.FwdResult;

/**
 * Helpers with out-parameters (issue 11, the BLAS style): {@code void} and {@code double}
 * helpers that write into array parameters their callers created, and the ways ordinary Java
 * uses them: the same array passed twice, an out array read before and after the call, a buffer
 * written on every trip of a loop, helpers that accumulate into their out array or write only
 * some of it, a row of a matrix as the out argument, helpers that pass their out array on, a
 * {@code double} helper that also writes, a discrete array alongside, a helper of another class.
 * The helpers have no generated members of their own: their callers are differentiated through
 * their bodies.
 */
final class OutParams {
  private OutParams() {}

  /** {@code out = tanh(w x)}. */
  @Differentiable
  static void layer(double[][] w, double[] x, double[] out) {
    for (int i = 0; i < out.length; i++) {
      double s = 0;
      for (int j = 0; j < x.length; j++) {
        s += w[i][j] * x[j];
      }
      out[i] = Math.tanh(s);
    }
  }

  /** {@code out[i] = in[i] * in[(i + 1) % n]}, in order: with {@code in == out}, it reads what it wrote. */
  @Differentiable
  static void shiftProduct(double[] in, double[] out) {
    int n = in.length;
    for (int i = 0; i < n; i++) {
      out[i] = in[i] * in[(i + 1) % n];
    }
  }

  /** {@code out += a * x}, reading its out array before writing it (BLAS axpy). */
  @Differentiable
  static void axpy(double a, double[] x, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] += a * x[i];
    }
  }

  /** Writes only the first half of {@code out}, and returns early on an empty one. */
  @Differentiable
  static void squareFirstHalf(double[] x, double[] out) {
    if (out.length == 0) {
      return;
    }
    for (int i = 0; i < out.length / 2; i++) {
      out[i] = x[i] * x[i];
    }
  }

  /** Two layers, passing its out arrays on to {@link #layer}. */
  @Differentiable
  static void twoLayers(double[][] w1, double[][] w2, double[] x, double[] hidden, double[] out) {
    layer(w1, x, hidden);
    layer(w2, hidden, out);
  }

  /** Writes {@code x / |x|} into {@code out} and returns {@code |x|}. */
  @Differentiable
  static double normalizeInto(double[] x, double[] out) {
    double norm = 0;
    for (int i = 0; i < x.length; i++) {
      norm += x[i] * x[i];
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] / norm;
    }
    return norm;
  }

  /** {@code out[i] = x[idx[i]]}, and the index of the largest element into {@code best[0]}. */
  @Differentiable
  static void gather(double[] x, int[] idx, double[] out, int[] best) {
    best[0] = 0;
    for (int i = 0; i < idx.length; i++) {
      out[i] = x[idx[i]];
      if (out[i] > out[best[0]]) {
        best[0] = i;
      }
    }
  }

  /** A whole matrix as the out parameter: {@code out[i][j] = a[i] b[j]}. */
  @Differentiable
  static void outer(double[] a, double[] b, double[][] out) {
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        out[i][j] = a[i] * b[j];
      }
    }
  }

  /** An ordinary helper that reads arrays (and writes none). */
  @Differentiable
  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  // ---------------------------------------------------------------- callers

  /**
   * A buffer a helper writes on every trip and another helper reads, through its pullback, after
   * later trips have overwritten it: {@code sum_k (v . tanh(w x_k))^2}.
   */
  @Differentiable
  static double bufferReadByACallee(double[][] w, double[] v, @NoDiff double[][] xs) {
    double[] h = new double[w.length];
    double s = 0;
    for (int k = 0; k < xs.length; k++) {
      layer(w, xs[k], h);
      double d = dot(v, h);
      s += d * d;
    }
    return s;
  }

  /** The squares of an outer product a helper writes into a local matrix: |a|^2 |b|^2. */
  @Differentiable
  static double outerLoss(double[] a, double[] b) {
    double[][] m = new double[a.length][b.length];
    outer(a, b, m);
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        s += m[i][j] * m[i][j];
      }
    }
    return s;
  }

  /** The sum of squares of {@code tanh(w x)}. */
  @Differentiable
  static double layerLoss(double[][] w, double[] x) {
    double[] h = new double[w.length];
    layer(w, x, h);
    double s = 0;
    for (int i = 0; i < h.length; i++) {
      s += h[i] * h[i];
    }
    return s;
  }

  /** The same array as input and output: {@code shiftProduct(a, a)}. */
  @Differentiable
  static double aliased(double[] x) {
    double[] a = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      a[i] = x[i];
    }
    shiftProduct(a, a);
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * (i + 1);
    }
    return s;
  }

  /** The out array read before the call (its old values) and after it (its new ones). */
  @Differentiable
  static double readBeforeAndAfter(double[][] w, double[] x) {
    double[] h = new double[w.length];
    for (int i = 0; i < h.length; i++) {
      h[i] = x[i % x.length] * 3;
    }
    double before = h[0] * h[1];
    layer(w, x, h);
    return before + h[0] * h[1] + h[0];
  }

  /** A buffer written by the helper on every trip, read after each. */
  @Differentiable
  static double bufferInLoop(double[][] w, @NoDiff double[][] xs) {
    double[] h = new double[w.length];
    double s = 0;
    for (int k = 0; k < xs.length; k++) {
      layer(w, xs[k], h);
      s += h[0] * h[0] + h[1];
    }
    return s;
  }

  /** {@code acc = sum_k c_k x_k} by repeated axpy, then its squares. */
  @Differentiable
  static double accumulate(double[] c, double[] x) {
    double[] acc = new double[x.length];
    for (int k = 0; k < c.length; k++) {
      axpy(c[k], x, acc);
    }
    double s = 0;
    for (int i = 0; i < acc.length; i++) {
      s += acc[i] * acc[i];
    }
    return s;
  }

  /** An out array the helper writes only in part: the rest keeps the caller's values. */
  @Differentiable
  static double partialWrite(double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = Math.sin(x[i]);
    }
    squareFirstHalf(x, out);
    double s = 0;
    for (int i = 0; i < out.length; i++) {
      s += out[i] * (i + 2);
    }
    return s;
  }

  /** Each row of a local matrix as the out argument, then every element read. */
  @Differentiable
  static double rowsAsOut(double[][] w, @NoDiff double[][] xs) {
    double[][] hs = new double[xs.length][w.length];
    for (int k = 0; k < xs.length; k++) {
      layer(w, xs[k], hs[k]);
    }
    double s = 0;
    for (int k = 0; k < hs.length; k++) {
      for (int i = 0; i < hs[k].length; i++) {
        s += hs[k][i] * (k + 1);
      }
    }
    return s;
  }

  /** A helper that passes its out arrays on to another, in a loop over samples. */
  @Differentiable
  static double nested(double[][] w1, double[][] w2, @NoDiff double[][] xs) {
    double[] hidden = new double[w1.length];
    double[] out = new double[w2.length];
    double s = 0;
    for (int k = 0; k < xs.length; k++) {
      twoLayers(w1, w2, xs[k], hidden, out);
      s += out[0] - out[1] * hidden[0];
    }
    return s;
  }

  /** A double helper that writes too, its value used in an expression that then reads its out. */
  @Differentiable
  static double normAndDirection(double[] x) {
    double[] u = new double[x.length];
    double r = normalizeInto(x, u) * u[0];
    if (normalizeInto(u, u) > 0.5) {
      r += u[1];
    }
    return r + u[0];
  }

  /** A discrete array alongside: the gathered elements and the largest one, by its index. */
  @Differentiable
  static double withIndices(double[] x, int[] idx) {
    double[] g = new double[idx.length];
    int[] best = new int[1];
    gather(x, idx, g, best);
    double s = 0;
    for (int i = 0; i < g.length; i++) {
      s += g[i] * g[i];
    }
    return s + 10 * g[best[0]];
  }

  /** A {@code double[]} result filled by a helper: {@code tanh(w x)}, twice through one buffer. */
  @Differentiable
  static double[] arrayResult(double[][] w, double[] x) {
    double[] h = new double[w.length];
    layer(w, x, h);
    double[] y = new double[w.length];
    layer(w, x, y);
    for (int i = 0; i < y.length; i++) {
      y[i] = y[i] * h[i];
    }
    return y;
  }

  /** Second order through a helper: {@code sum_i tanh(w_i . x)^2} with its Hessian in x. */
  @Differentiable(order = 2)
  static double secondOrder(@NoDiff double[][] w, double[] x) {
    double[] h = new double[w.length];
    layer(w, x, h);
    double s = 0;
    for (int i = 0; i < h.length; i++) {
      s += h[i] * h[i];
    }
    return s;
  }

  /** A custom rule whose body calls a helper: FromBody's gradient goes through the helper. */
  @CustomVjp
  static double ruled(double[] x) {
    double[] u = new double[x.length];
    shiftProduct(x, u);
    return u[0] + u[1];
  }

  @Fwd("ruled")
  static FwdResult<Double, double[]> ruledFwd(double[] x) {
    return FwdResult.of(ruled(x), x.clone());
  }

  @Bwd("ruled")
  static double[] ruledBwd(double[] x, double g) {
    // u_0 + u_1 = x_0 x_1 + x_1 x_2 (for length 3 and more)
    double[] out = new double[x.length];
    out[0] = g * x[1];
    out[1] = g * (x[0] + x[2]);
    out[2] = g * x[1];
    return out;
  }

  /** A helper of another class of this compilation, writing into a row of a local matrix. */
  @Differentiable
  static double otherClass(double[] x) {
    double[][] m = new double[2][x.length];
    OutParamsHelpers.scaleInto(2.0, x, m[1]);
    OutParamsHelpers.scaleInto(x[0], m[1], m[0]);
    return m[0][0] * m[1][1] + m[0][1];
  }
}
