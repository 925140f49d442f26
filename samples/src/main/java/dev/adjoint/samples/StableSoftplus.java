package dev.adjoint.samples;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;
import java.io.PrintStream;

/**
 * The reference tutorial's second program: {@code log(1 + e^x)}. Its derived gradient {@code e^x /
 * (1 + e^x)} is NaN once {@code e^x} overflows (x above about 709.78 in double; about 88.7 in
 * float32, which is why the tutorial's x = 100 already fails there), while the custom rule uses
 * the stable sigmoid {@code 1 / (1 + e^-x)}.
 */
public final class StableSoftplus {
  private StableSoftplus() {}

  static final double[] POINTS = {1, 35, 100, 1000};

  @CustomVjp
  static double stableLog1pexp(double x) {
    return Math.log1p(Math.exp(x));
  }

  @Fwd("stableLog1pexp")
  static FwdResult<Double, Double> stableLog1pexpFwd(double x) {
    return FwdResult.of(Math.log1p(Math.exp(x)), x);
  }

  @Bwd("stableLog1pexp")
  static double stableLog1pexpBwd(Double x, double g) {
    return g / (1 + Math.exp(-x));
  }

  /** The same function as a user would first write it, differentiated as written. */
  @Differentiable
  static double unstableLog1pexp(double x) {
    return Math.log(1 + Math.exp(x));
  }

  static double ruleGradient(double x) {
    return StableSoftplusAdjoint.stableLog1pexpGrad(x).x();
  }

  static double derivedGradient(double x) {
    return StableSoftplusAdjoint.unstableLog1pexpGrad(x).x();
  }

  static void print(PrintStream out) {
    Table table = new Table("Stable log(1 + e^x): custom rule against the derived gradient",
        "x", "value", "rule gradient", "derived gradient");
    for (double x : POINTS) {
      table.row(x, stableLog1pexp(x), ruleGradient(x), derivedGradient(x));
    }
    table.print(out);
  }
}
