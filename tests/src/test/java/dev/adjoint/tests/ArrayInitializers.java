package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import java.util.Random;

/**
 * Array initializers in differentiable code ({@code double[] b = {y, y * y}}, {@code new
 * double[] {a, b}}, {@code {{a, b}, {c, d}}}, {@code int[] idx = {0, 2}}): each lowered to a new
 * array and one element assignment per element, in source order.
 */
final class ArrayInitializers {
  private ArrayInitializers() {}

  /** {@code y * y^2} through {@code {y, y * y}}. */
  @Differentiable
  static double product(double y) {
    double[] b = {y, y * y};
    return b[0] * b[1];
  }

  /** {@code a^2 + sin^2 c + 4 + a^2 c^2}: the {@code new double[] {...}} form, an int element. */
  @Differentiable
  static double newForm(double a, double c) {
    double[] v = new double[] {a, Math.sin(c), 2, a * c};
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += v[i] * v[i];
    }
    return s;
  }

  /** The determinant of {@code {{a, b}, {c, d}}}. */
  @Differentiable
  static double determinant(double a, double b, double c, double d) {
    double[][] m = {{a, b}, {c, d}};
    return m[0][0] * m[1][1] - m[0][1] * m[1][0];
  }

  /**
   * A 2 x 3 matrix from an array, iterated by rows: {@code x0 x2 - exp(x1) + x3^2 x5 -
   * exp(x4)}.
   */
  @Differentiable
  static double rows(double[] x) {
    double[][] m = new double[][] {{x[0], x[1], x[2]}, {x[3] * x[3], x[4], (x[5])}};
    double s = 0;
    for (double[] row : m) {
      s += row[0] * row[2] - Math.exp(row[1]);
    }
    return s;
  }

  /** {@code x0^2 + 2 x2^2 + 3 x1}: an index array and a long[] of weights. */
  @Differentiable
  static double gather(double[] x) {
    int[] idx = {0, 2, 2};
    long[] weights = {3L};
    double s = 0;
    for (int k : idx) {
      s += x[k] * x[k];
    }
    return s + weights[0] * x[1];
  }

  @Differentiable
  static double square(double t) {
    return t * t;
  }

  /** {@code y^2 + y^4 sin y}: elements that are calls of an annotated method. */
  @Differentiable
  static double calls(double y) {
    double[] b = {square(y), square(square(y)), Math.sin(y)};
    return b[0] + b[1] * b[2];
  }

  /**
   * {@code sum_i x_{i+1} x_i^2 - x_i^2}: arrays initialized in a loop, one from the elements of
   * another.
   */
  @Differentiable
  static double inLoop(double[] x) {
    double s = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double[] w = {x[i], x[i + 1] * x[i]};
      double[] v = {w[1] - w[0], w[0]};
      s += v[0] * v[1];
    }
    return s;
  }

  /** {@code (r cos t, r sin t)}: an initializer returned. */
  @Differentiable
  static double[] polar(double r, double theta) {
    return new double[] {r * Math.cos(theta), r * Math.sin(theta)};
  }

  /** {@code (a b, a + b)}: an initialized local returned. */
  @Differentiable
  static double[] pair(double a, double b) {
    double[] p = {a * b, a + b};
    return p;
  }

  /** {@code r^2 cos t sin t + r t}: a caller of {@link #polar}. */
  @Differentiable
  static double usesPolar(double r, double theta) {
    double[] p = polar(r, theta);
    double[] q = {p[0] * p[1], r * theta};
    return q[0] + q[1];
  }

  /** {@code y^2 + 3}: empty initializers of each kind. */
  @Differentiable
  static double empty(double y) {
    double[] e = {};
    double[][] z = {};
    int[] none = new int[] {};
    double[][] emptyRows = {{}, {}};
    double s = y * y;
    for (int i = 0; i < e.length; i++) {
      s += e[i];
    }
    return s + z.length + none.length + emptyRows.length + emptyRows[1].length + 1;
  }

  /** {@code 2 y^2 + 2 y}: an initialized element overwritten by its product with another. */
  @Differentiable
  static double overwritten(double y) {
    double[] b = {y, 2 * y};
    b[0] = b[1] * b[0];
    return b[0] + b[1];
  }

  /**
   * Elements with effects, evaluated once each and in source order: {@code y u0 + u1 y^2} with
   * {@code u0, u1} the generator's next two numbers.
   */
  @Differentiable
  static double drawn(double y, Random random) {
    double[] b = {y * random.nextDouble(), random.nextDouble()};
    return b[0] + b[1] * y * y;
  }

  /** {@code x^2 y + x y^2} through a vector and a matrix initializer, with second order. */
  @Differentiable(order = 2)
  static double secondOrder(double x, double y) {
    double[] b = {x, x * y};
    double[][] m = {{b[0], b[1]}, {y, 1}};
    return m[0][0] * m[0][1] + m[1][0] * m[1][0] * x * m[1][1];
  }
}
