package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/**
 * Helpers called inside loops, which a reverse derivative writes into its caller (each trip
 * then records into the caller's tape instead of putting a new Vjp of the helper on it). Each
 * method has a twin written by hand with the helper's body in place: the two must agree.
 */
final class HelpersInLoops {
  private HelpersInLoops() {}

  /** One unit: tanh(w . x + b). */
  @Differentiable
  static double unit(double[] w, double b, double[] x) {
    double a = b;
    for (int i = 0; i < x.length; i++) {
      a += w[i] * x[i];
    }
    return Math.tanh(a);
  }

  /** sum_j unit(w[j], b[j], x)², each row of w passed to the helper. */
  @Differentiable
  static double layer(double[][] w, double[] b, double[] x) {
    double s = 0;
    for (int j = 0; j < w.length; j++) {
      double u = unit(w[j], b[j], x);
      s += u * u;
    }
    return s;
  }

  /** {@link #layer} with the helper's body written in by hand. */
  @Differentiable
  static double layerByHand(double[][] w, double[] b, double[] x) {
    double s = 0;
    for (int j = 0; j < w.length; j++) {
      double a = b[j];
      for (int i = 0; i < x.length; i++) {
        a += w[j][i] * x[i];
      }
      double u = Math.tanh(a);
      s += u * u;
    }
    return s;
  }

  /**
   * {@link #layer} over the rows in turn, w[(j + 1) mod n] with b[j]: the row's index is
   * computed by Math.floorMod, which has no effect, so the call is still written in.
   */
  @Differentiable
  static double rotated(double[][] w, double[] b, double[] x) {
    double s = 0;
    for (int j = 0; j < w.length; j++) {
      double u = unit(w[Math.floorMod(j + 1, w.length)], b[j], x);
      s += u * u;
    }
    return s;
  }

  /** {@link #rotated} with the helper's body written in by hand. */
  @Differentiable
  static double rotatedByHand(double[][] w, double[] b, double[] x) {
    double s = 0;
    for (int j = 0; j < w.length; j++) {
      int row = Math.floorMod(j + 1, w.length);
      double a = b[j];
      for (int i = 0; i < x.length; i++) {
        a += w[row][i] * x[i];
      }
      double u = Math.tanh(a);
      s += u * u;
    }
    return s;
  }

  /** A helper calling a helper, an early return in the inner one. */
  @Differentiable
  static double clipped(double[] r, double t) {
    if (r[0] > 2) {
      return 2 * t;
    }
    return r[0] * t + Math.sin(r[1]);
  }

  @Differentiable
  static double outer(double[] r, double t) {
    return clipped(r, t) * clipped(r, -t) + r[1];
  }

  /**
   * A local matrix whose rows go to helpers in a nested loop, indexed through an int[]; each row
   * overwritten after the call read it (the reverse sweep must read the row as the call did).
   */
  @Differentiable
  static double overwritten(double[][] w, double[] x) {
    int n = w.length;
    int[] order = new int[n];
    for (int k = 0; k < n; k++) {
      order[k] = n - 1 - k;
    }
    double[][] c = new double[n][2];
    double s = 0;
    for (int k = 0; k < n; k++) {
      c[k][0] = w[k][0] * x[0];
      c[k][1] = w[k][1] + x[1];
    }
    for (int pass = 0; pass < 2; pass++) {
      for (int k = 0; k < n; k++) {
        s += outer(c[order[k]], s * 0.1 + x[0]);
        c[order[k]][0] = Math.cos(c[order[k]][0]) * s;
        c[order[k]][1] *= 0.5;
      }
    }
    return s;
  }

  /** {@link #overwritten} with both helpers' bodies written in by hand. */
  @Differentiable
  static double overwrittenByHand(double[][] w, double[] x) {
    int n = w.length;
    int[] order = new int[n];
    for (int k = 0; k < n; k++) {
      order[k] = n - 1 - k;
    }
    double[][] c = new double[n][2];
    double s = 0;
    for (int k = 0; k < n; k++) {
      c[k][0] = w[k][0] * x[0];
      c[k][1] = w[k][1] + x[1];
    }
    for (int pass = 0; pass < 2; pass++) {
      for (int k = 0; k < n; k++) {
        int row = order[k];
        double t = s * 0.1 + x[0];
        double first = c[row][0] > 2 ? 2 * t : c[row][0] * t + Math.sin(c[row][1]);
        double second = c[row][0] > 2 ? 2 * -t : c[row][0] * -t + Math.sin(c[row][1]);
        s += first * second + c[row][1];
        c[row][0] = Math.cos(c[row][0]) * s;
        c[row][1] *= 0.5;
      }
    }
    return s;
  }

  /** A hidden layer, a new array per call, each unit a helper. */
  @Differentiable
  static double[] hiddenOf(double[][] w, double[] x) {
    double[] h = new double[w.length];
    for (int j = 0; j < h.length; j++) {
      h[j] = unit(w[j], 0.1 * j, x);
    }
    return h;
  }

  /**
   * A helper returning a new array per sample, its array written after the call; the samples
   * differentiable too (rows of xs passed).
   */
  @Differentiable
  static double perSample(double[][] w, double[] v, double[][] xs) {
    double total = 0;
    for (int s = 0; s < xs.length; s++) {
      double[] h = hiddenOf(w, xs[s]);
      h[0] *= v[0];
      double o = 0;
      for (int j = 0; j < h.length; j++) {
        o += v[j] * h[j];
      }
      total += Math.log1p(o * o);
    }
    return total;
  }

  /** {@link #perSample} with the helpers written in by hand. */
  @Differentiable
  static double perSampleByHand(double[][] w, double[] v, double[][] xs) {
    double total = 0;
    for (int s = 0; s < xs.length; s++) {
      double[] h = new double[w.length];
      for (int j = 0; j < h.length; j++) {
        double a = 0.1 * j;
        for (int i = 0; i < xs[s].length; i++) {
          a += w[j][i] * xs[s][i];
        }
        h[j] = Math.tanh(a);
      }
      h[0] *= v[0];
      double o = 0;
      for (int j = 0; j < h.length; j++) {
        o += v[j] * h[j];
      }
      total += Math.log1p(o * o);
    }
    return total;
  }
}
