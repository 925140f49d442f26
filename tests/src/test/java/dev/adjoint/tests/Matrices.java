package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/** double[][] parameters and locals, as Java users write matrices. */
final class Matrices {
  private Matrices() {}

  /** A dense layer with tanh and a squared loss: sum over samples and outputs of (h - y)^2. */
  @Differentiable
  static double layer(double[][] w, double[] b, @NoDiff double[][] x, @NoDiff double[][] y) {
    double[][] h = new double[x.length][w.length];
    double loss = 0;
    for (int s = 0; s < x.length; s++) {
      for (int o = 0; o < w.length; o++) {
        double z = b[o];
        for (int i = 0; i < w[o].length; i++) {
          z += w[o][i] * x[s][i];
        }
        h[s][o] = Math.tanh(z);
        double d = h[s][o] - y[s][o];
        loss += d * d;
      }
    }
    return loss;
  }

  /** The sum of squares of a (possibly ragged) matrix. */
  @Differentiable
  static double frobenius(double[][] m) {
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        s += m[i][j] * m[i][j];
      }
    }
    return s;
  }

  /** A matrix handed to another @Differentiable method, and scaled into a local one first. */
  @Differentiable
  static double scaledFrobenius(double[][] m, double c) {
    double[][] scaled = new double[m.length][m[0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        scaled[i][j] = c * m[i][j];
      }
    }
    return frobenius(scaled) + frobenius(m);
  }

  /**
   * Row locals ({@code double[] row = m[i];}): read, measured, iterated, passed on, written
   * (a local matrix's row), declared in a loop, the index changed after the declaration.
   */
  @Differentiable
  static double rowLocals(double[][] m, double[] v) {
    double[][] local = new double[m.length][v.length];
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      double[] row = m[i];
      int k = i;
      double[] out = local[k];
      k = 0;
      for (int j = 0; j < row.length; j++) {
        out[j] = row[j] * v[j];
      }
      for (double x : out) {
        s += x * x;
      }
      s += frobeniusRow(row) * local[i][0];
    }
    return s;
  }

  /** The squared norm of a row. */
  @Differentiable
  static double frobeniusRow(double[] r) {
    double s = 0;
    for (double x : r) {
      s += x * x;
    }
    return s;
  }
}
