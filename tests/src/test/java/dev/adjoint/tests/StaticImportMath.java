package dev.adjoint.tests;

import static java.lang.Math.PI;
import static java.lang.Math.cos;
import static java.lang.Math.exp;
import static java.lang.Math.log;
import static java.lang.Math.sqrt;

import dev.adjoint.Differentiable;

/** Math functions reached through static imports; {@code softplus} is the tutorial's. */
final class StaticImportMath {
  private StaticImportMath() {}

  @Differentiable
  static double softplus(double x) {
    return log(1 + exp(x));
  }

  @Differentiable
  static double bump(double x, double y) {
    return exp(-x * x) * cos(y) + sqrt(1 + y * y) - PI * x;
  }
}
