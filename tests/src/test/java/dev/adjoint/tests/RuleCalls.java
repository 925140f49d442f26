package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;

/**
 * Custom rules (the tutorial's {@code x sin y} with record residuals, and a stable softplus) and
 * derived code that calls them beside other annotated methods, for {@link ReentrancyTest}.
 */
final class RuleCalls {
  private RuleCalls() {}

  @CustomVjp
  static double scaledSin(double x, double y) {
    return x * Math.sin(y);
  }

  record ScaledSinRes(double x, double sinY, double cosY) {}

  record ScaledSinCot(double x, double y) {}

  @Fwd("scaledSin")
  static FwdResult<Double, ScaledSinRes> scaledSinFwd(double x, double y) {
    double s = Math.sin(y);
    return FwdResult.of(x * s, new ScaledSinRes(x, s, Math.cos(y)));
  }

  @Bwd("scaledSin")
  static ScaledSinCot scaledSinBwd(ScaledSinRes r, double g) {
    return new ScaledSinCot(g * r.sinY(), g * r.x() * r.cosY());
  }

  /** log(1 + e^x), its derivative by the stable sigmoid 1 / (1 + e^-x). */
  @CustomVjp
  static double softplus(double x) {
    return Math.log1p(Math.exp(x));
  }

  @Fwd("softplus")
  static FwdResult<Double, Double> softplusFwd(double x) {
    return FwdResult.of(Math.log1p(Math.exp(x)), x);
  }

  @Bwd("softplus")
  static double softplusBwd(Double x, double g) {
    return g / (1 + Math.exp(-x));
  }

  /** Both rules, a derived callee in another class and a branch on a rule's value. */
  @Differentiable
  static double blend(double x, double y) {
    double s = scaledSin(x, y);
    if (s > 0) {
      return s * Calls.inner(x, y) + softplus(y);
    }
    return Math.max(s, x * y) - softplus(-x) * scaledSin(y, x);
  }
}
