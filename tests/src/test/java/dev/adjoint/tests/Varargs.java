package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;

/**
 * Calls of differentiable varargs methods: with variable arguments, with none, beside fixed
 * parameters, with an explicit array, inside an if, and of a custom rule.
 */
final class Varargs {
  private Varargs() {}

  /** sum_i xs_i^2. */
  @Differentiable
  static double squares(double... xs) {
    double s = 0;
    for (int i = 0; i < xs.length; i++) {
      s += xs[i] * xs[i];
    }
    return s;
  }

  /** w * sum_i xs_i. */
  @Differentiable
  static double scaledSum(double w, double... xs) {
    double s = 0;
    for (int i = 0; i < xs.length; i++) {
      s += xs[i];
    }
    return w * s;
  }

  /**
   * (a^2 + 4b^2 + c^2) + 0 + a^2 + b (a + c) + 3 c * 0 + (a^2 + 1): variable arguments, none, one,
   * beside a fixed parameter, and an int among them.
   */
  @Differentiable
  static double calls(double a, double b, double c) {
    double s = squares(a, b * 2, c) + squares() + squares(a);
    s += scaledSum(b, a, c) + 3 * scaledSum(c);
    return s + squares(a, 1);
  }

  /** sum_i x_i^2 + 2 sum_i x_i: the varargs methods called with an explicit array. */
  @Differentiable
  static double explicit(double[] x) {
    return squares(x) + scaledSum(2, x);
  }

  /** a^2 + b^2 where a > 0, else 3 b (through scaledSum(3, b)). */
  @Differentiable
  static double inBranches(double a, double b) {
    double s;
    if (a > 0) {
      s = squares(a, b);
    } else {
      s = scaledSum(3, b);
    }
    return s;
  }

  /** 3 (a^2 + b^2): a varargs call in a for loop's initialiser runs once. */
  @Differentiable
  static double forInitializer(double a, double b) {
    double total = 0;
    for (double t = squares(a, b), k = 0; k < 3; k++) {
      total += t;
    }
    return total;
  }

  /** sqrt(sum_i xs_i^2), with a rule. */
  @CustomVjp
  static double norm(double... xs) {
    return Math.sqrt(squares(xs));
  }

  record NormResiduals(double[] xs, double norm) {}

  @Fwd("norm")
  static FwdResult<Double, NormResiduals> normFwd(double... xs) {
    double n = norm(xs);
    return FwdResult.of(n, new NormResiduals(xs.clone(), n));
  }

  @Bwd("norm")
  static double[] normBwd(NormResiduals r, double g) {
    double[] out = new double[r.xs().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = g * r.xs()[i] / r.norm();
    }
    return out;
  }

  /** 3 sqrt(a^2 + b^2): a rule called with variable arguments. */
  @Differentiable
  static double ruleCall(double a, double b) {
    return 3 * norm(a, b);
  }
}
