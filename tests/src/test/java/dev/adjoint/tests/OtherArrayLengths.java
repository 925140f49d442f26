package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** The lengths of arrays of types with no tangent: read, though the arrays are not indexed. */
final class OtherArrayLengths {
  private OtherArrayLengths() {}

  /** x^2 times the number of labels, plus x times the number of columns of row 0 of counts. */
  @Differentiable
  static double weighted(double x, String[] labels, int[][] counts) {
    double s = 0;
    for (int i = 0; i < labels.length; i++) {
      s += x * x;
    }
    return s + x * counts[0].length + counts.length;
  }
}
