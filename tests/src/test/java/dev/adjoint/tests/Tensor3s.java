package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * {@code double[][][]} parameters and locals (GradBench's hand-tracking eval has one): elements
 * read and written, lengths at each level, a local 3-D array, @NoDiff data, calls.
 */
final class Tensor3s {
  private Tensor3s() {}

  /** {@code w * sum t[i][j][k]^2}, over a possibly ragged 3-D array. */
  @Differentiable
  static double weightedSquares(double[][][] t, double w) {
    double s = 0;
    for (int i = 0; i < t.length; i++) {
      for (int j = 0; j < t[i].length; j++) {
        for (int k = 0; k < t[i][j].length; k++) {
          s += t[i][j][k] * t[i][j][k] * w;
        }
      }
    }
    return s;
  }

  /**
   * A local 3-D array, written, read back and overwritten in place: {@code sum_{i, j < 2, k}
   * (sin(t[i][j][k]) v[k])^2}.
   */
  @Differentiable
  static double local(double[][][] t, double[] v) {
    double[][][] u = new double[t.length][2][v.length];
    for (int i = 0; i < t.length; i++) {
      for (int j = 0; j < 2; j++) {
        for (int k = 0; k < v.length; k++) {
          u[i][j][k] = Math.sin(t[i][j][k]) * v[k];
          u[i][j][k] *= u[i][j][k];
        }
      }
    }
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      for (int j = 0; j < u[i].length; j++) {
        for (int k = 0; k < u[i][j].length; k++) {
          s += u[i][j][k];
        }
      }
    }
    return s;
  }

  /** A contraction with a vector: {@code out[i] = sum_{j, k} t[i][j][k] v[k]}. */
  @Differentiable
  static double[] contract(double[][][] t, double[] v) {
    double[] out = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      for (int j = 0; j < t[i].length; j++) {
        for (int k = 0; k < v.length; k++) {
          out[i] += t[i][j][k] * v[k];
        }
      }
    }
    return out;
  }

  /** @NoDiff 3-D data, read only: {@code sum t[i][j][k] v[k]^2}. */
  @Differentiable
  static double noDiff(double[] v, @NoDiff double[][][] t) {
    double s = 0;
    for (int i = 0; i < t.length; i++) {
      for (int j = 0; j < t[i].length; j++) {
        for (int k = 0; k < t[i][j].length; k++) {
          s += t[i][j][k] * v[k] * v[k];
        }
      }
    }
    return s;
  }

  /** A 3-D array handed to another method: {@code sum a^2 + a[0][0][0] b[0][0][0]}. */
  @Differentiable
  static double twice(double[][][] a, double[][][] b) {
    return weightedSquares(a, 1.0) + a[0][0][0] * b[0][0][0];
  }

  /** A helper that writes into a 3-D array its caller made: {@code x^3} where x = t[0][0][0]. */
  @Differentiable
  static double cubeInPlace(double[][][] t) {
    double x = t[0][0][0];
    t[0][0][0] = x * x;
    return t[0][0][0] * x;
  }

  /** {@code x^3 + x^2} for {@code x = t[1][0][1]}, through the helper's write. */
  @Differentiable
  static double callsCubeInPlace(double[][][] t) {
    double[][][] c = new double[1][1][1];
    c[0][0][0] = t[1][0][1];
    return cubeInPlace(c) + c[0][0][0];
  }

  /** A 3-D array created in a loop: {@code sum_{i < 3} (t[0][0][0] i)^2 = 5 x^2}. */
  @Differentiable
  static double createdInALoop(double[][][] t) {
    double s = 0;
    for (int i = 0; i < 3; i++) {
      double[][][] u = new double[2][2][t[0][0].length];
      u[1][1][0] = t[0][0][0] * i;
      s += u[1][1][0] * u[1][1][0] + u[0][1].length;
    }
    return s;
  }

  /** Linear in t, so the pullback reads only its shape: {@code c * sum t[i][j][k]}. */
  @Differentiable
  static double total(double[][][] t, double c) {
    double s = 0;
    for (int i = 0; i < t.length; i++) {
      for (int j = 0; j < t[i].length; j++) {
        for (int k = 0; k < t[i][j].length; k++) {
          s += t[i][j][k];
        }
      }
    }
    return c * s;
  }

  /** Linear, with no loop: the pullback reads nothing of t but its shape. */
  @Differentiable
  static double corner(double[][][] t, @NoDiff double c) {
    return c * t[1][1][2];
  }

  /** {@code w sum t^2}, through a matrix local {@code m = t[i]} and a row local {@code r = m[j]}. */
  @Differentiable
  static double viaParts(double[][][] t, double w) {
    double s = 0;
    for (int i = 0; i < t.length; i++) {
      double[][] m = t[i];
      for (int j = 0; j < m.length; j++) {
        double[] r = m[j];
        for (int k = 0; k < r.length; k++) {
          s += r[k] * r[k] * w;
        }
      }
    }
    return s;
  }

  /** {@code sum t^2}, by enhanced for loops over a matrix local and its rows. */
  @Differentiable
  static double viaLoops(double[][][] t) {
    double s = 0;
    for (int i = 0; i < t.length; i++) {
      double[][] m = t[i];
      for (double[] r : m) {
        for (double v : r) {
          s += v * v;
        }
      }
    }
    return s;
  }

  /** A row local of a local 3-D array, written and read: {@code sum_i (3 t[i][0][0])^2 + 2}. */
  @Differentiable
  static double writes(double[][][] t) {
    double[][][] u = new double[t.length][2][2];
    double s = 0;
    for (int i = 0; i < t.length; i++) {
      double[] r = u[i][1];
      r[0] = t[i][0][0] * 3;
      r[1] = r[0] * r[0];
      s += u[i][1][1] + r.length;
    }
    return s;
  }

}
