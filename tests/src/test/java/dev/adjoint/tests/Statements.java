package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.runtime.Ad;

/**
 * Straight-line code: locals, reassignment, compound assignment, casts, int and long arithmetic,
 * {@code %}, constants and static fields, calls to unannotated helpers, {@code stopGradient}.
 */
final class Statements {
  private Statements() {}

  /** A compile-time constant: inlined. */
  static final double SCALE = 2.5;

  /** An int compile-time constant. */
  static final int ORDER = 3;

  /** Final but not a compile-time constant: read at run time. */
  static final double TWIST = Math.sqrt(2.0);

  /** Mutable and package-private: generated code must read its current value. */
  static double gain = 1.5;

  @Differentiable
  static double compound(double x, double y) {
    double s = x;
    s += y * y;
    s *= x;
    s -= Math.sin(y);
    s /= 1 + x * x;
    return s;
  }

  @Differentiable
  static double reassignParams(double x, double y) {
    x = x * x;
    x = Math.sin(x);
    y = y + x;
    return x * y;
  }

  @Differentiable
  static double localsReassigned(double x, double y) {
    double t = x * y;
    double u = t;
    t = Math.exp(t) - u;
    u = u * t;
    t = u + x;
    return t;
  }

  /** int locals and int-to-double promotion in mixed arithmetic; an int equality test. */
  @Differentiable
  static double promotion(double x, int n) {
    if (n == 0) {
      return x * x;
    }
    int k = 2 * n + 1;
    double scale = k;
    return scale * x + n * x * x + k / 2 + x / n;
  }

  @Differentiable
  static double casts(double x, double y) {
    double half = (double) 7 / 2;
    int truncated = (int) y;
    return half * x + truncated * x * x + x * y + (long) 2 * y + (double) truncated / 4;
  }

  @Differentiable
  static double longArithmetic(double x, long n, int k) {
    long m = n * k + 3L;
    long r = m % 5;
    double scale = m / 2.0;
    return scale * x * x + r * x + (n - k) * 0.5;
  }

  @Differentiable
  static double remainder(double x, double y) {
    return (x % y) * x;
  }

  @Differentiable
  static double constants(double x) {
    return SCALE * x * x + gain * x + ORDER + Math.PI * Math.E * x + TWIST * x;
  }

  static double weight(int n) {
    return 1.0 / (1 + n * n);
  }

  static double square(double c) {
    return c * c;
  }

  /** Unannotated calls whose arguments do not depend on x. */
  @Differentiable
  static double unannotatedCalls(double x, int n) {
    double c = n * 0.5;
    return weight(n) * x * x
        + square(c) * x
        + square(1.5)
        + Math.max(n, 2) * x
        + Math.floorMod(n, 3) * x;
  }

  @Differentiable
  static double stopGradient(double x, double y) {
    double baseline = Ad.stopGradient(x * y);
    return (x - baseline) * y + dev.adjoint.runtime.Ad.stopGradient(Math.sin(x)) * x;
  }

  @Differentiable
  static double ignoresY(double x, double y) {
    return 3 * Math.sin(x);
  }

  /** An active local overwritten by a constant: the result does not depend on x or y. */
  @Differentiable
  static double constantResult(double x, double y) {
    double t = Math.sin(x) * y;
    t = 2.0;
    return t * Math.PI + ORDER;
  }

  /**
   * Compound assignments to int and long carry an implicit narrowing cast (on purpose: JDK 20+
   * lints it as possibly lossy, which -Werror would make an error).
   */
  @SuppressWarnings("lossy-conversions")
  @Differentiable
  static double narrowingCompound(double x, int n) {
    int k = n;
    k *= 1.5;
    long m = k;
    m += x;
    double s = x;
    s += m;
    s *= k;
    s -= 0x1p-2;
    s /= n;
    return s;
  }

  /** A parameter overwritten by an expression whose hoisted parts read its old value. */
  @Differentiable
  static double selfReferencingHoisted(double x, double y) {
    x = Math.exp(x) * x + Math.sin(x * y);
    y = y > 0 ? y * x : -y;
    return x * y;
  }

  /** t is read by the reverse of an earlier statement and overwritten inside a branch. */
  @Differentiable
  static double overwrittenInBranch(double x, double y) {
    double t = Math.sin(x);
    double r = t * y;
    if (y > 0) {
      t = x * 3;
    }
    return r + t * t;
  }

  /** Locals of the same name in sibling scopes, and a plain block. */
  @Differentiable
  static double siblingScopes(double x) {
    double r;
    if (x > 0) {
      double t = x * x;
      r = t;
    } else {
      double t = Math.sin(x);
      r = t * 2;
    }
    {
      double t = r + x;
      r = t * r;
    }
    return r;
  }
}
