package dev.adjoint.tests;

import dev.adjoint.CustomJvp;
import dev.adjoint.Differentiable;
import dev.adjoint.Jvp;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.JvpResult;

/**
 * {@code @Jvp} rules that call other rules' {@code @Jvp} companions and other classes' generated
 * {@code gJvp} as linear calls, as {@code jax.custom_jvp} rules call {@code jax.jvp} of other
 * functions. Forward mode runs the rules as written; reverse mode transposes each linear call
 * through its target's Vjp. {@link JvpRuleCallsTest} checks them in both modes.
 */
final class JvpRuleCalls {
  private JvpRuleCalls() {}

  /** The stable log(1 + e^x). */
  @CustomJvp
  static double log1pexp(double x) {
    return Math.log1p(Math.exp(x));
  }

  @Jvp("log1pexp")
  static JvpResult<Double, Double> log1pexpJvp(double x, double xDot) {
    return JvpResult.of(Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));
  }

  /** softplus(sin x), its rule through log1pexp's, the result kept in a local. */
  @CustomJvp
  static double softplusSin(double x) {
    return log1pexp(Math.sin(x));
  }

  @Jvp("softplusSin")
  static JvpResult<Double, Double> softplusSinJvp(double x, double xDot) {
    JvpResult<Double, Double> inner = log1pexpJvp(Math.sin(x), Math.cos(x) * xDot);
    return JvpResult.of(inner.value(), inner.tangent());
  }

  /** softplus(x·y), its rule's value and tangent read straight off two calls. */
  @CustomJvp
  static double softplusProduct(double x, double y) {
    return log1pexp(x * y);
  }

  @Jvp("softplusProduct")
  static JvpResult<Double, Double> softplusProductJvp(
      double x, double y, double xDot, double yDot) {
    return JvpResult.of(log1pexpJvp(x * y, xDot).value(),
        log1pexpJvp(x * y, y * xDot + x * yDot).tangent());
  }

  /** softplus(sin 2x) + softplus(x): a rule that calls two rules, one of which calls a third. */
  @CustomJvp
  static double twoRules(double x) {
    return softplusSin(2 * x) + log1pexp(x);
  }

  @Jvp("twoRules")
  static JvpResult<Double, Double> twoRulesJvp(double x, double xDot) {
    JvpResult<Double, Double> a = softplusSinJvp(2 * x, 2 * xDot);
    JvpResult<Double, Double> b = log1pexpJvp(x, xDot);
    double t = a.tangent();
    t += b.tangent();
    return JvpResult.of(a.value() + b.value(), t);
  }

  /** 3·wave(x, y) of another class, through its generated JVP. */
  @CustomJvp
  static double waveScaled(double x, double y) {
    return 3 * JvpRuleCallTargets.wave(x, y);
  }

  @Jvp("waveScaled")
  static JvpResult<Double, Double> waveScaledJvp(double x, double y, double xDot, double yDot) {
    JvpRuleCallTargetsAdjoint.WaveJvp w = JvpRuleCallTargetsAdjoint.waveJvp(x, y, xDot, yDot);
    return JvpResult.of(3 * w.value(), 3 * w.tangent());
  }

  /** f(x², y) of another class's rule (JvpRules.f = x sin y), through its @Jvp companion. */
  @CustomJvp
  static double fOfSquare(double x, double y) {
    return JvpRules.f(x * x, y);
  }

  @Jvp("fOfSquare")
  static JvpResult<Double, Double> fOfSquareJvp(double x, double y, double xDot, double yDot) {
    double u = x * x;
    return JvpResult.of(JvpRules.fJvp(u, y, 0.0, 0.0).value(),
        JvpRules.fJvp(u, y, 2 * x * xDot, yDot).tangent());
  }

  /** c·|v|² of another class's array method; c is not differentiated. */
  @CustomJvp
  static double scaledNorm(double[] v, @NoDiff double c) {
    return c * JvpRuleCallTargets.norm2(v);
  }

  @Jvp("scaledNorm")
  static JvpResult<Double, Double> scaledNormJvp(double[] v, double c, double[] vDot) {
    return JvpResult.of(c * JvpRuleCallTargets.norm2(v),
        c * JvpRuleCallTargetsAdjoint.norm2Jvp(v, vDot).tangent());
  }

  /**
   * JvpRules.meanSquare(v + 1) (another class's rule), the shifted point and its tangent in local
   * arrays.
   */
  @CustomJvp
  static double shiftedMeanSquare(double[] v) {
    double[] w = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      w[i] = v[i] + 1;
    }
    return JvpRules.meanSquare(w);
  }

  @Jvp("shiftedMeanSquare")
  static JvpResult<Double, Double> shiftedMeanSquareJvp(double[] v, double[] vDot) {
    double[] w = new double[v.length];
    double[] wDot = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      w[i] = v[i] + 1;
      wDot[i] = vDot[i];
    }
    JvpResult<Double, Double> m = JvpRules.meanSquareJvp(w, wDot);
    return JvpResult.of(m.value(), m.tangent());
  }

  /** softplus(x)·x, its derivative from a linear call along the constant direction 1. */
  @CustomJvp
  static double timesX(double x) {
    return log1pexp(x) * x;
  }

  @Jvp("timesX")
  static JvpResult<Double, Double> timesXJvp(double x, double xDot) {
    double slope = log1pexpJvp(x, 1.0).tangent();
    return JvpResult.of(log1pexp(x) * x, (slope * x + log1pexp(x)) * xDot);
  }

  /**
   * x² by a recursive rule that halves x until |x| < 1 (x² = 4 (x/2)²): the transpose recurses
   * exactly as deep as the rule does in plain Java, through the Vjp of each level.
   */
  @CustomJvp
  static double square(double x) {
    return x * x;
  }

  @Jvp("square")
  static JvpResult<Double, Double> squareJvp(double x, double xDot) {
    if (Math.abs(x) < 1) {
      return JvpResult.of(x * x, 2 * x * xDot);
    }
    JvpResult<Double, Double> half = squareJvp(x / 2, xDot / 2);
    return JvpResult.of(4 * half.value(), 4 * half.tangent());
  }

  /** softplus(x + 1) by returning log1pexp's rule at x + 1 whole. */
  @CustomJvp
  static double shiftedSoftplus(double x) {
    return log1pexp(x + 1);
  }

  @Jvp("shiftedSoftplus")
  static JvpResult<Double, Double> shiftedSoftplusJvp(double x, double xDot) {
    return log1pexpJvp(x + 1, xDot);
  }

  /** softplus(3x) or softplus(x), by returning a local that keeps either rule's result. */
  @CustomJvp
  static double piecewiseSoftplus(double x) {
    return x > 0 ? log1pexp(3 * x) : log1pexp(x);
  }

  @Jvp("piecewiseSoftplus")
  static JvpResult<Double, Double> piecewiseSoftplusJvp(double x, double xDot) {
    if (x > 0) {
      JvpResult<Double, Double> r = log1pexpJvp(3 * x, 3 * xDot);
      return r;
    }
    return log1pexpJvp(x, xDot);
  }

  /** A caller differentiated through the composed rules, in both modes. */
  @Differentiable
  static double loss(double x, double y) {
    double a = softplusSin(x) * waveScaled(x, y);
    double b = twoRules(y) + fOfSquare(x, y);
    return a + b * square(x + y) + timesX(y);
  }
}
