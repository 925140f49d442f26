package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/** Instance methods that cannot be overridden (issue 11): a final class, a record, an enum. */
final class InstanceMethods {
  double scale;
  final double offset;

  InstanceMethods(double scale, double offset) {
    this.scale = scale;
    this.offset = offset;
  }

  /** scale * sum_i (x w_i)^2 * scale + offset. */
  @Differentiable
  double loss(double x, double[] w) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      s += squared(w[i] * x) * this.scale;
    }
    return s + offset;
  }

  /** scale * y^2, read from the field without this. */
  @Differentiable
  double squared(double y) {
    return y * y * scale;
  }

  /** A static method calling an instance method of a @NoDiff object. */
  @Differentiable
  static double outside(@NoDiff InstanceMethods m, double x) {
    return m.squared(x) * x;
  }

  record Line(double slope, double intercept) {
    @Differentiable
    double residual(double x, double y) {
      double r = slope * x + intercept() - y;
      return r * r;
    }
  }

  enum Activation {
    SQUARE, CUBE;

    @Differentiable
    double apply(double x) {
      return ordinal() == 0 ? x * x : x * x * x;
    }
  }

  /**
   * A curve fit as instance methods over the class's data arrays (issue 11's program (c)): the
   * array fields are read as constants, once as each method starts.
   */
  static final class CurveFit {
    final double[] t;
    double[] y;
    final int[] order;
    final double[][] weights;

    CurveFit(double[] t, double[] y, int[] order, double[][] weights) {
      this.t = t;
      this.y = y;
      this.order = order;
      this.weights = weights;
    }

    @Differentiable
    static double model(double ti, double a, double b) {
      return a * Math.exp(-b * ti);
    }

    /** sum_i w_i (a e^{-b t_i} - y_i)^2, visiting the points in the given order. */
    @Differentiable
    double sumOfSquares(double a, double b) {
      double s = 0;
      for (int i : order) {
        double r = model(t[i], a, b) - this.y[i];
        s += weights[i][0] * r * r;
      }
      return s;
    }

    /** sumOfSquares + a sum_j y_j, reading y through an enhanced for and a call. */
    @Differentiable
    double penalised(double a, double b) {
      double s = sumOfSquares(a, b);
      for (double v : this.y) {
        s += a * v;
      }
      return s + b * weights.length * weights[0].length;
    }
  }

  /** A record with an array component, read through its accessor's field. */
  record Polynomial(double[] coefficients) {
    @Differentiable
    double at(double x) {
      double p = 0;
      for (int i = coefficients.length - 1; i >= 0; i--) {
        p = p * x + coefficients[i];
      }
      return p;
    }
  }

  /** A static table of weights read by a static method. */
  static final class Quadrature {
    static final double[] WEIGHTS = {0.5, 1.5, 2.0};

    /** sum_i W_i sin((i + 1) x). */
    @Differentiable
    static double series(double x) {
      double s = 0;
      for (int i = 0; i < WEIGHTS.length; i++) {
        s += Quadrature.WEIGHTS[i] * Math.sin((i + 1) * x);
      }
      return s;
    }
  }
}
