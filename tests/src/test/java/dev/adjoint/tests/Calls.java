package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.runtime.Ad;
import dev.adjoint.tests.lib.Kernels;

/** Calls between differentiable methods: chains, across classes and packages, @NoDiff. */
final class Calls {
  private Calls() {}

  @Differentiable
  static double inner(double x, double y) {
    return x * y + Math.sin(x);
  }

  /** Calls {@code inner} twice with its arguments swapped. */
  @Differentiable
  static double middle(double x, double y) {
    return inner(x, y) * inner(y, x);
  }

  /** outer → middle → inner, and outer → Kernels.gaussian in another package. */
  @Differentiable
  static double outer(double x, double y) {
    return middle(x * y, x) + Kernels.gaussian(x, 1 + y * y) * inner(y, 2.0);
  }

  /** The same variable passed for both parameters. */
  @Differentiable
  static double twice(double x) {
    return inner(x, x);
  }

  /** An active value passed to a @NoDiff parameter: no gradient flows through it. */
  @Differentiable
  static double noDiffActive(double x, double y) {
    return Kernels.scaled(y, x) + x * y;
  }

  /** An int argument passed on; a callee in another package. */
  @Differentiable
  static double cubic(double x, int n) {
    return 2 * Kernels.polynomial(x + 1, n);
  }

  /** A differentiable call whose value only decides a branch. */
  @Differentiable
  static double callInCondition(double x, double y) {
    if (inner(x, y) > 1) {
      return x * x;
    }
    return y * x;
  }

  /** Calls into two other classes of this package, with @NoDiff arguments that are constants. */
  @Differentiable
  static double mixed(double x, double y) {
    return StaticImportMath.softplus(x - y) + PiecewiseFunctions.clamp(x, -1, 1) * y;
  }

  /** Calls nested in calls and in Math functions; a call under stopGradient. */
  @Differentiable
  static double composed(double x, double y) {
    return inner(inner(x, y), Math.cos(x)) + Math.exp(inner(y, 0.5)) * Ad.stopGradient(inner(x, x));
  }

  /** One active value passed to a differentiable and a @NoDiff parameter of the same call. */
  @Differentiable
  static double selfScaled(double x) {
    return Kernels.scaled(x, x);
  }

  /** A differentiable call whose result is never used. */
  @Differentiable
  static double unusedCall(double x, double y) {
    double unused = inner(x, y);
    return x * 2;
  }
}
