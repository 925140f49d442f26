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
}
