package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** Enhanced for loops over double[], int[], a row of a matrix and the rows of a matrix. */
final class EnhancedFor {
  private EnhancedFor() {}

  /** sum v^2 over the positive elements (continue), stopping at the first above 10 (break). */
  @Differentiable
  static double positiveSquares(double[] x) {
    double s = 0;
    for (double v : x) {
      if (v > 10) {
        break;
      }
      if (v < 0) {
        continue;
      }
      s += v * v;
    }
    return s;
  }

  /** sum over rows of the row's Euclidean norm: nested loops, the inner one over the row. */
  @Differentiable
  static double rowNorms(double[][] m) {
    double s = 0;
    for (double[] row : m) {
      double r = 0;
      for (double v : row) {
        r += v * v;
      }
      s += Math.sqrt(r);
    }
    return s;
  }

  /** sum over rows of (row . w)^2, indexing the row and reading its length. */
  @Differentiable
  static double rowDots(double[][] m, double[] w) {
    double s = 0;
    for (double[] row : m) {
      double d = 0;
      for (int j = 0; j < row.length; j++) {
        d += row[j] * w[j];
      }
      s += d * d;
    }
    return s;
  }

  /** Over an int[] of indices (repeats count twice): sum x[i]^3. */
  @Differentiable
  static double overIndices(double[] x, int[] idx) {
    double s = 0;
    for (int i : idx) {
      s += x[i] * x[i] * x[i];
    }
    return s;
  }

  /** Over one row m[r] (r changes in the body; the row iterated is the one it named first). */
  @Differentiable
  static double overRow(double[][] m, int r) {
    double s = 0;
    for (double v : m[r]) {
      s += Math.exp(v);
      r = 0;
    }
    return s + r;
  }

  /** Writes through the rows of a local matrix: t[i][j] = m[i][j]^2 c, then sum of t^2. */
  @Differentiable
  static double writeRows(double[][] m, double c) {
    double[][] t = new double[m.length][m[0].length];
    int i = 0;
    for (double[] row : t) {
      for (int j = 0; j < row.length; j++) {
        row[j] = m[i][j] * m[i][j] * c;
        row[j] += 1;
      }
      i++;
    }
    double s = 0;
    for (double[] row : t) {
      for (double v : row) {
        s += v * v;
      }
    }
    return s;
  }
}
