package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * Functions with kinks and steps: abs, min, max (composite and alone), floor, ceil, rint and
 * signum, and the single functions whose conventions at a kink are part of the contract.
 */
final class PiecewiseFunctions {
  private PiecewiseFunctions() {}

  @Differentiable
  static double absMinMax(double x, double y) {
    return Math.abs(x - y) * Math.max(x, y) + Math.min(x * y, 1.0);
  }

  @Differentiable
  static double steps(double x) {
    return Math.floor(x) * x + Math.ceil(x) + Math.rint(x) * x * x + Math.signum(x) * Math.sin(x);
  }

  @Differentiable
  static double clamp(double x, @NoDiff double lo, @NoDiff double hi) {
    return Math.max(lo, Math.min(x, hi));
  }

  @Differentiable
  static double absOf(double x) {
    return Math.abs(x);
  }

  @Differentiable
  static double maxOf(double x, double y) {
    return Math.max(x, y);
  }

  @Differentiable
  static double minOf(double x, double y) {
    return Math.min(x, y);
  }

  @Differentiable
  static double powOf(double x, double y) {
    return Math.pow(x, y);
  }

  @Differentiable
  static double hypotOf(double x, double y) {
    return Math.hypot(x, y);
  }

  @Differentiable
  static double sqrtOf(double x) {
    return Math.sqrt(x);
  }
}
