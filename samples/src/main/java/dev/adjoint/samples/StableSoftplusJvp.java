package dev.adjoint.samples;

import dev.adjoint.CustomJvp;
import dev.adjoint.Jvp;
import dev.adjoint.runtime.JvpResult;
import java.io.PrintStream;

/**
 * The tutorial's stable {@code log(1 + e^x)} again, with its rule written forwards, as {@code
 * jax.custom_jvp} writes it: the tangent is {@code xDot / (1 + e^-x)}. Forward mode calls the
 * rule; reverse mode transposes it (the rule is linear in {@code xDot}, which the processor
 * checks), so one rule gives both the JVP and the gradient, and neither is NaN where {@code e^x}
 * overflows. {@code FromBody} differentiates the body as written, for comparison.
 */
public final class StableSoftplusJvp {
  private StableSoftplusJvp() {}

  static final double[] POINTS = {1, 35, 100, 1000};

  @CustomJvp
  static double log1pexp(double x) {
    return Math.log1p(Math.exp(x));
  }

  @Jvp("log1pexp")
  static JvpResult<Double, Double> log1pexpJvp(double x, double xDot) {
    return JvpResult.of(Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));
  }

  /** Forward mode: the rule's tangent along xDot = 1. */
  static double ruleTangent(double x) {
    return StableSoftplusJvpAdjoint.log1pexpJvp(x, 1.0).tangent();
  }

  /** Reverse mode: the transpose of the rule's tangent, pulled back from 1. */
  static double ruleGradient(double x) {
    return StableSoftplusJvpAdjoint.log1pexpGrad(x).x();
  }

  /** Forward mode on the body as written. */
  static double bodyTangent(double x) {
    return StableSoftplusJvpAdjoint.FromBody.log1pexpJvp(x, 1.0).tangent();
  }

  static void print(PrintStream out) {
    Table table = new Table("Stable log(1 + e^x) as a @Jvp rule: forward mode, reverse mode, body",
        "x", "value", "rule JVP", "rule gradient", "body JVP");
    for (double x : POINTS) {
      table.row(x, StableSoftplusJvpAdjoint.log1pexpVjp(x).value(), ruleTangent(x),
          ruleGradient(x), bodyTangent(x));
    }
    table.print(out);
  }
}
