package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** Every differentiable {@code Math} function, each inside a composite expression. */
final class ElementaryFunctions {
  private ElementaryFunctions() {}

  @Differentiable
  static double trig(double x, double y) {
    return Math.sin(x) * Math.cos(y) + Math.tan(x * y);
  }

  @Differentiable
  static double inverseTrig(double x, double y) {
    return Math.asin(x) * Math.acos(y) + Math.atan(x - 2 * y);
  }

  @Differentiable
  static double polarAngle(double x, double y) {
    return Math.atan2(y, x) * (1 + x * x);
  }

  @Differentiable
  static double hyperbolic(double x, double y) {
    return Math.sinh(x) * Math.tanh(y) + Math.cosh(x - y);
  }

  @Differentiable
  static double exponentials(double x, double y) {
    return Math.exp(x) * Math.expm1(y) - Math.exp(-x * y);
  }

  @Differentiable
  static double logarithms(double x, double y) {
    return Math.log(x) * Math.log1p(y) + Math.log10(x * y);
  }

  @Differentiable
  static double roots(double x, double y) {
    return Math.sqrt(x * x + y) * Math.cbrt(x - y);
  }

  @Differentiable
  static double powers(double x, double y) {
    return Math.pow(x, y) + Math.pow(2.0, x * y) + Math.pow(y, 3);
  }

  @Differentiable
  static double hypotenuse(double x, double y) {
    return Math.hypot(x, 2 * y) * Math.sin(x + y);
  }

  @Differentiable
  static double angles(double degrees, double radians) {
    return Math.sin(Math.toRadians(degrees)) * Math.toDegrees(radians);
  }

  @Differentiable
  static double strict(double x, double y) {
    return StrictMath.exp(x) * StrictMath.sin(y)
        + StrictMath.log1p(x * x)
        + StrictMath.pow(y * y + 1, x);
  }

  @Differentiable
  static double strictGeometry(double x, double y) {
    return StrictMath.atan2(y, x)
        + StrictMath.hypot(x, y) * StrictMath.tanh(x)
        - StrictMath.sqrt(StrictMath.abs(y) + 1);
  }

  /** atan2 alone, to check its derivative at extreme scales. */
  @Differentiable
  static double atan2Of(double y, double x) {
    return Math.atan2(y, x);
  }
}
