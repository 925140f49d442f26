package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** A double[][][] field of this, read as a constant by an instance method. */
final class Tensor3Fields {
  final double[][][] data;

  Tensor3Fields(double[][][] data) {
    this.data = data;
  }

  /** {@code x^2 sum data[i][j][k]}. */
  @Differentiable
  double scaledSum(double x) {
    double s = 0;
    for (int i = 0; i < data.length; i++) {
      for (int j = 0; j < data[i].length; j++) {
        for (int k = 0; k < data[i][j].length; k++) {
          s += data[i][j][k] * x * x;
        }
      }
    }
    return s;
  }
}
