package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * Arrays created inside loops (issue 11): by {@code new} and by calls of methods that return
 * {@code double[]}, one per trip, written, read, overwritten after being read, of lengths that
 * change from trip to trip, in nested loops and loops left by {@code break}.
 */
final class ArraysInLoops {
  private ArraysInLoops() {}

  /** One hidden layer: tanh(W x + b) with W the first rows*cols entries of p, b the next rows. */
  @Differentiable
  static double[] layer(double[] p, double[] x, int rows) {
    double[] h = new double[rows];
    int cols = x.length;
    for (int j = 0; j < rows; j++) {
      double a = p[rows * cols + j];
      for (int i = 0; i < cols; i++) {
        a += p[j * cols + i] * x[i];
      }
      h[j] = Math.tanh(a);
    }
    return h;
  }

  /** A per-sample network: a helper returning an array for every sample, a softmax-free loss. */
  @Differentiable
  static double network(double[] p, @NoDiff double[][] xs, @NoDiff double[] ys) {
    double loss = 0;
    for (int s = 0; s < xs.length; s++) {
      double[] x = new double[xs[s].length];
      for (int i = 0; i < x.length; i++) {
        x[i] = xs[s][i];
      }
      double[] h = layer(p, x, 3);
      double out = 0;
      for (int j = 0; j < h.length; j++) {
        out += h[j] * p[p.length - 1 - j];
      }
      double r = out - ys[s];
      loss += r * r;
    }
    return loss / xs.length;
  }

  /**
   * A fresh array per trip whose elements are overwritten after being read: the reverse sweep
   * needs each trip's array as it was at each read.
   */
  @Differentiable
  static double overwrittenAfterRead(double[] p) {
    double s = 0;
    for (int k = 0; k < p.length; k++) {
      double[] h = new double[3];
      h[0] = p[k] * (k + 1);
      h[1] = h[0] * h[0];
      h[0] = Math.sin(h[1]) + h[0];
      h[2] = h[0] * h[1];
      h[1] = h[2] - h[1] * p[0];
      s += h[0] + h[1] * h[2];
    }
    return s;
  }

  /** Trip k makes an array of length k + 1, a prefix product over it, and a matrix. */
  @Differentiable
  static double growing(double[] p) {
    double s = 0;
    for (int k = 0; k < p.length; k++) {
      double[] prefix = new double[k + 1];
      double[][] m = new double[2][k + 1];
      prefix[0] = p[0];
      m[0][0] = p[k];
      for (int i = 1; i <= k; i++) {
        prefix[i] = prefix[i - 1] * p[i];
        m[0][i] = m[0][i - 1] + p[i] * p[k];
      }
      for (int i = 0; i <= k; i++) {
        m[1][i] = prefix[i] * m[0][i];
        s += m[1][i];
      }
    }
    return s;
  }

  /** An array per outer trip read in the inner loop, and one per inner trip. */
  @Differentiable
  static double nested(double[] p) {
    double s = 0;
    for (int a = 0; a < 3; a++) {
      double[] outer = new double[p.length];
      for (int i = 0; i < p.length; i++) {
        outer[i] = p[i] * (a + 1);
      }
      for (int b = 0; b < 2; b++) {
        double[] inner = new double[2];
        inner[0] = outer[(a + b) % p.length];
        inner[1] = inner[0] * outer[b % p.length];
        outer[b % p.length] = inner[1] - inner[0];
        s += Math.cos(inner[1]) * outer[0];
      }
      s += outer[p.length - 1];
    }
    return s;
  }

  /** A while loop left by break, with an array per trip and an int[] of indices per trip. */
  @Differentiable
  static double untilSmall(double[] p) {
    double x = p[0];
    int k = 0;
    while (true) {
      double[] v = new double[2];
      int[] at = new int[2];
      at[0] = k % p.length;
      at[1] = (k + 1) % p.length;
      v[0] = x * p[at[0]];
      v[1] = v[0] + p[at[1]];
      x = 0.5 * Math.tanh(v[1]) + 0.25 * v[0];
      k++;
      if (k >= 5 || Math.abs(x) < 1e-3) {
        break;
      }
    }
    return x;
  }

  /** The softmax rule (its @Fwd keeps the value as residual) per trip, written after the call. */
  @Differentiable
  static double ruleInLoop(double[] p) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      double[] q = ArrayResults.softmax(p);
      q[k % q.length] += p[0] * k;
      s += q[0] * q[q.length - 1];
    }
    return s;
  }

  /** A moving average over windows of three, each window an array of its own. */
  @Differentiable
  static double[] smoothed(double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] window = new double[3];
      for (int d = -1; d <= 1; d++) {
        int at = Math.min(x.length - 1, Math.max(0, i + d));
        window[d + 1] = x[at] * x[at];
      }
      window[1] = Math.sqrt(window[1] + 1) * window[0];
      y[i] = (window[0] + window[1] + window[2]) / 3;
    }
    return y;
  }

  /** smoothed twice, the second call's array returned as it is. */
  @Differentiable
  static double[] smoothedTwice(double[] x) {
    double[] once = smoothed(x);
    return smoothed(once);
  }

  /** A matrix per trip, its elements overwritten after being read, and its rows' lengths read. */
  @Differentiable
  static double matrixPerTrip(double[] p) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      double[][] m = new double[2][p.length];
      for (int i = 0; i < p.length; i++) {
        m[0][i] = p[i] * (k + 1);
        m[1][i] = m[0][i] * m[0][i];
      }
      m[0][0] = Math.cos(m[1][0]) * m[0][p.length - 1];
      m[1][0] = m[0][0] * m[1][m[1].length - 1];
      s += m[0][0] + m[1][0];
    }
    return s;
  }

  /** sum_i v_i^2. */
  @Differentiable
  static double squaredNorm(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e;
    }
    return s;
  }

  /**
   * Rows of a matrix passed to a helper, by index and through an enhanced for, of a
   * differentiable matrix: sum_i (i + 1) |m_i|^2 + sum_i |m_i|^2 = sum_i (i + 2) |m_i|^2.
   */
  @Differentiable
  static double rowsToHelpers(double[][] m) {
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      s += (i + 1) * squaredNorm(m[i]);
    }
    for (double[] row : m) {
      s += squaredNorm(row);
    }
    return s;
  }

  /** The per-sample network with each sample's row passed as it is. */
  @Differentiable
  static double networkOnRows(double[] p, @NoDiff double[][] xs, @NoDiff double[] ys) {
    double loss = 0;
    for (int s = 0; s < xs.length; s++) {
      double[] h = layer(p, xs[s], 3);
      double out = 0;
      for (int j = 0; j < h.length; j++) {
        out += h[j] * p[p.length - 1 - j];
      }
      double r = out - ys[s];
      loss += r * r;
    }
    return loss / xs.length;
  }

  /** The network's output unit: sum_j h_j p_{n-1-j}. */
  @Differentiable
  static double readout(double[] p, double[] h) {
    double out = 0;
    for (int j = 0; j < h.length; j++) {
      out += h[j] * p[p.length - 1 - j];
    }
    return out;
  }

  /** The per-sample network with the layers' calls nested in one expression. */
  @Differentiable
  static double networkNested(double[] p, @NoDiff double[][] xs, @NoDiff double[] ys) {
    double loss = 0;
    for (int s = 0; s < xs.length; s++) {
      double r = readout(p, layer(p, xs[s], 3)) - ys[s];
      loss += r * r;
    }
    return loss / xs.length;
  }

  /** Calls nested two deep, in a condition and in a return: smoothed(smoothed(x)). */
  @Differentiable
  static double nestedTwice(double[] x) {
    if (squaredNorm(smoothed(smoothed(x))) > 100) {
      return 0;
    }
    double t = readout(x, smoothed(x));
    return squaredNorm(smoothed(smoothed(x))) + t;
  }
}
