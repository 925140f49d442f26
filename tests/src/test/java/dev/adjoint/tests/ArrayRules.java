package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;

/** Custom rules over arrays: log-sum-exp, a rule that gives no cotangent, and a faulty one. */
final class ArrayRules {
  private ArrayRules() {}

  /** log(sum exp x_i), shifted by the maximum so that it never overflows. */
  @CustomVjp
  static double lse(double[] x) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, x[i]);
    }
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += Math.exp(x[i] - m);
    }
    return m + Math.log(s);
  }

  record LseResiduals(double[] x, double value) {}

  @Fwd("lse")
  static FwdResult<Double, LseResiduals> lseFwd(double[] x) {
    double value = lse(x);
    return FwdResult.of(value, new LseResiduals(x, value));
  }

  /** The softmax, times the output cotangent. */
  @Bwd("lse")
  static double[] lseBwd(LseResiduals r, double g) {
    double[] out = new double[r.x().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = g * Math.exp(r.x()[i] - r.value());
    }
    return out;
  }

  /** A rule whose bwd returns null for its array: zero, as JAX's None. */
  @CustomVjp
  static double frozenSum(double[] x, double scale) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i];
    }
    return s * scale;
  }

  record FrozenCotangents(double[] x, double scale) {}

  @Fwd("frozenSum")
  static FwdResult<Double, Double> frozenSumFwd(double[] x, double scale) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return FwdResult.of(s * scale, s);
  }

  @Bwd("frozenSum")
  static FrozenCotangents frozenSumBwd(Double sum, double g) {
    return new FrozenCotangents(null, g * sum);
  }

  /** A faulty rule: its bwd returns one element too few. */
  @CustomVjp
  static double shortRule(double[] x) {
    return x[0];
  }

  @Fwd("shortRule")
  static FwdResult<Double, Integer> shortRuleFwd(double[] x) {
    return FwdResult.of(x[0], x.length);
  }

  @Bwd("shortRule")
  static double[] shortRuleBwd(Integer length, double g) {
    return new double[length - 1];
  }

  /**
   * A scratch array reused across rule calls in a loop: each call's residuals keep the array,
   * and each pullback must see it as it was at its own call. f = sum over k of lse(x * (k + 1)).
   */
  @Differentiable
  static double scaledLses(double[] x) {
    double[] z = new double[x.length];
    double total = 0;
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < x.length; i++) {
        z[i] = x[i] * (k + 1);
      }
      total += lse(z);
    }
    return total;
  }
}
