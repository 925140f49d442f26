package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/**
 * Methods that return {@code double[][]}: built in loops, by an initializer, row by row from
 * helpers that return {@code double[]}, by another such method; and callers that take their
 * matrices (in a loop too) and write into them.
 */
final class MatrixResults {
  private MatrixResults() {}

  /** {@code m[i][j] = a_i sin(b_j)}. */
  @Differentiable
  static double[][] outer(double[] a, double[] b) {
    double[][] m = new double[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        m[i][j] = a[i] * Math.sin(b[j]);
      }
    }
    return m;
  }

  /** {@code s} times the rotation by {@code t}: a matrix initializer returned. */
  @Differentiable
  static double[][] rotation(double t, double s) {
    return new double[][] {{s * Math.cos(t), -s * Math.sin(t)}, {s * Math.sin(t), s * Math.cos(t)}};
  }

  /** {@code sum_i a_i sin(b_i)}, over the diagonal of {@link #outer}. */
  @Differentiable
  static double trace(double[] a, double[] b) {
    double[][] m = outer(a, b);
    double s = 0;
    for (int i = 0; i < m.length && i < m[i].length; i++) {
      s += m[i][i];
    }
    return s;
  }

  /**
   * {@code sum_k r00 (r01 + t) + r10} with {@code r = rotation(t k, a_k)}: a matrix result taken in
   * a loop and written into.
   */
  @Differentiable
  static double inLoop(double[] a, double t) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      double[][] r = rotation(t * k, a[k]);
      r[0][1] += t;
      s += r[0][0] * r[0][1] + r[1][0];
    }
    return s;
  }

  /** {@link #outer} with its arguments swapped: a call's matrix returned. */
  @Differentiable
  static double[][] swapped(double[] a, double[] b) {
    return outer(b, a);
  }

  /** {@code c x}. */
  @Differentiable
  static double[] scaled(double[] x, double c) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = c * x[i];
    }
    return y;
  }

  /** {@code x_i^2}. */
  @Differentiable
  static double[] squares(double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] * x[i];
    }
    return y;
  }

  /** Rows {@code c x}, {@code x^2} and {@code c^2}: a matrix built row by row from helpers. */
  @Differentiable
  static double[][] byRows(double[] x, double c) {
    double[][] m = new double[3][x.length];
    double[] first = scaled(x, c);
    double[] second = squares(x);
    for (int j = 0; j < x.length; j++) {
      m[0][j] = first[j];
      m[1][j] = second[j];
      m[2][j] = c * c;
    }
    return m;
  }

  /**
   * {@code sum_j m_ij} of {@link #byRows}, then each row's sum times its index plus one: a {@code
   * double[]} result through a matrix one (Jacobian forms).
   */
  @Differentiable
  static double[] rowSums(double[] x, double c) {
    double[][] m = byRows(x, c);
    double[] sums = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        sums[i] += (i + 1) * m[i][j];
      }
    }
    return sums;
  }

  /** A layer's weights and bias. */
  record Layer(double[] w, double b) {}

  /** {@code m[i][j] = tanh(w_i x_j + b)}: a record parameter. */
  @Differentiable
  static double[][] activations(Layer layer, double[] x) {
    double[][] m = new double[layer.w().length][x.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < x.length; j++) {
        m[i][j] = Math.tanh(layer.w()[i] * x[j] + layer.b());
      }
    }
    return m;
  }

  /** {@code m} with its element {@code (0, 0)} doubled: a matrix parameter copied, not returned. */
  @Differentiable
  static double[][] copied(double[][] m) {
    double[][] y = new double[m.length][m[0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        y[i][j] = m[i][j];
      }
    }
    y[0][0] *= 2;
    return y;
  }

  /** Instance methods: a matrix result of a receiver's field and a caller on the same receiver. */
  static final class Scaler {
    final double k;

    Scaler(double k) {
      this.k = k;
    }

    /** {@code {{k x, x}, {x^2, 0}}}. */
    @Differentiable
    double[][] scaled(double x) {
      double[][] m = {{k * x, x}, {x * x, 0}};
      return m;
    }

    /** {@code x^2 + k x}. */
    @Differentiable
    double useScaled(double x) {
      double[][] m = scaled(x);
      return m[1][0] + m[0][0];
    }
  }
}
