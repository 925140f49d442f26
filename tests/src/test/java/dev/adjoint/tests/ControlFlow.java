package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** Branches: nested if/else with early returns, else-if chains, ternaries, boolean logic. */
final class ControlFlow {
  private ControlFlow() {}

  /** Four regions; two of them return early from inside nested ifs, one reassigns a parameter. */
  @Differentiable
  static double nested(double x, double y) {
    if (x > 0) {
      if (y > 0) {
        return x * y;
      } else {
        x = x * 2;
      }
      return x - y * y;
    } else {
      if (y > x) {
        if (y > 1) {
          return Math.sin(x + y);
        }
      }
    }
    return x * x * y;
  }

  /** A local declared without initializer and assigned on both sides of the branch. */
  @Differentiable
  static double declaredLater(double x) {
    double r;
    if (x < 1) {
      r = x * x;
    } else {
      r = 2 * x - 1 + Math.log(x);
    }
    return 3 * r;
  }

  @Differentiable
  static double elseIfChain(double x) {
    if (x <= -1) {
      return Math.exp(x + 1);
    } else if (x < 1) {
      return 1 + Math.sin(x + 1);
    } else {
      return 2 * Math.cbrt(x);
    }
  }

  /** Ternaries inside arithmetic, one nested in another's false arm. */
  @Differentiable
  static double ternaries(double x, double y) {
    return (x > y ? x * x : y * y * y)
        + 2 * (x < 0 ? Math.exp(x) : (y > 1 ? Math.sqrt(1 + x) : x * y));
  }

  /** The tutorial's guard: NaN on the branch not taken must not leak. */
  @Differentiable
  static double guardedSqrt(double x) {
    return x > 0 ? Math.sqrt(x) : 0.0;
  }

  /** The same guard as an if statement, with an infinite/NaN derivative in the skipped arm. */
  @Differentiable
  static double guardedSqrtIf(double x) {
    double r = x;
    if (x > 0) {
      r = r + Math.sqrt(x) * Math.log(x);
    }
    return r;
  }

  /** Boolean locals, {@code &&}, {@code ||} and {@code !} over side-effect-free conditions. */
  @Differentiable
  static double logic(double x, double y, boolean flag) {
    boolean bothPositive = x > 0 && y > 0;
    if (bothPositive || flag) {
      return x * y * y;
    }
    if (x >= 0 || !(y <= -1)) {
      return x + y;
    }
    return Math.exp(x * y);
  }

  /**
   * An early return of an int literal, an early return from inside nested ifs after a local was
   * updated, then a parameter reassigned in a branch that has no else.
   */
  @Differentiable
  static double earlyExit(double x, double y) {
    if (x < -1.5) {
      return 1;
    }
    double r = x;
    if (y > 0) {
      r = r * y;
      if (x > 1) {
        return r;
      }
    }
    if (x > 0.5) {
      x = Math.log(x);
    }
    r = r + Math.exp(-x);
    return r * 2;
  }
}
