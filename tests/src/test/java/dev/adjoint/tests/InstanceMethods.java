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
}
