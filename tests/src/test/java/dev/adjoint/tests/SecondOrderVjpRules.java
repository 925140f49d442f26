package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.FwdResult;

/**
 * {@code @CustomVjp(order = 2)}: second order differentiates the rule's gradient {@code
 * bwd(fwd(x).residuals, 1)} (SecondOrderVjpRulesTest).
 */
final class SecondOrderVjpRules {
  private SecondOrderVjpRules() {}

  // The tutorial's f(x, y) = x sin y, residuals in a record.
  @CustomVjp(order = 2)
  static double f(double x, double y) {
    return x * Math.sin(y);
  }

  record FRes(double x, double sinY, double cosY) {}

  record FCot(double x, double y) {}

  @Fwd("f")
  static FwdResult<Double, FRes> fFwd(double x, double y) {
    double s = Math.sin(y);
    return FwdResult.of(x * s, new FRes(x, s, Math.cos(y)));
  }

  @Bwd("f")
  static FCot fBwd(FRes r, double g) {
    return new FCot(g * r.sinY(), g * r.x() * r.cosY());
  }

  // The stable softplus: its body overflows at x = 1000, its rule does not; a Double residual.
  @CustomVjp(order = 2)
  static double softplus(double x) {
    return Math.log(1 + Math.exp(x));
  }

  @Fwd("softplus")
  static FwdResult<Double, Double> softplusFwd(double x) {
    double y = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    return FwdResult.of(y, x);
  }

  @Bwd("softplus")
  static double softplusBwd(Double x, double g) {
    if (x > 0) {
      return g / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return g * e / (1 + e);
  }

  // log-sum-exp over an array, the softmax kept as an array residual; a @NoDiff shift.
  @CustomVjp(order = 2)
  static double lse(double[] x, @NoDiff double shift) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      m = Math.max(m, v);
    }
    double s = 0;
    for (double v : x) {
      s += Math.exp(v - m);
    }
    return m + Math.log(s) + shift;
  }

  @Fwd("lse")
  static FwdResult<Double, double[]> lseFwd(double[] x, double shift) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, x[i]);
    }
    double s = 0;
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = Math.exp(x[i] - m);
      s += p[i];
    }
    for (int i = 0; i < x.length; i++) {
      p[i] = p[i] / s;
    }
    return FwdResult.of(m + Math.log(s) + shift, p);
  }

  @Bwd("lse")
  static double[] lseBwd(double[] p, double g) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = g * p[i];
    }
    return out;
  }

  // A deliberately changed gradient (clipped at ±1 by tanh): second order follows the rule.
  @CustomVjp(order = 2)
  static double clipped(double x) {
    return x * x / 2;
  }

  @Fwd("clipped")
  static FwdResult<Double, Double> clippedFwd(double x) {
    return FwdResult.of(x * x / 2, x);
  }

  @Bwd("clipped")
  static double clippedBwd(Double x, double g) {
    return g * Math.tanh(x);
  }

  // A matrix and a scalar: y * sum_ij a_ij^2; the residuals a record holding the matrix itself,
  // the cotangents a record local.
  @CustomVjp(order = 2)
  static double form(double[][] a, double y) {
    double s = 0;
    for (double[] row : a) {
      for (double v : row) {
        s += v * v;
      }
    }
    return y * s;
  }

  record FormRes(double[][] a, double y, double s) {}

  record FormCot(double[][] a, double y) {}

  @Fwd("form")
  static FwdResult<Double, FormRes> formFwd(double[][] a, double y) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        s += a[i][j] * a[i][j];
      }
    }
    return FwdResult.of(y * s, new FormRes(a, y, s));
  }

  @Bwd("form")
  static FormCot formBwd(FormRes r, double g) {
    double[][] ga = new double[r.a().length][r.a()[0].length];
    for (int i = 0; i < ga.length; i++) {
      for (int j = 0; j < ga[i].length; j++) {
        ga[i][j] = 2 * g * r.y() * r.a()[i][j];
      }
    }
    FormCot c = new FormCot(ga, g * r.s());
    return c;
  }

  // A rule whose @Bwd returns a null cotangent for one parameter (zero): d/dy taken as 0.
  @CustomVjp(order = 2)
  static double held(double x, double y) {
    return x * x * x * y;
  }

  record HeldCot(double x, Double y) {}

  @Fwd("held")
  static FwdResult<Double, double[]> heldFwd(double x, double y) {
    double[] r = new double[2];
    r[0] = x;
    r[1] = y;
    return FwdResult.of(x * x * x * y, r);
  }

  @Bwd("held")
  static HeldCot heldBwd(double[] r, double g) {
    return new HeldCot(3 * g * r[0] * r[0] * r[1], null);
  }

  /** Callers: an order = 2 method of the same class goes through the rules' products. */
  @Differentiable(order = 2)
  static double caller(double x, double y) {
    double r = f(x, y);
    return r * r + softplus(x * y);
  }

  /** A caller that gives the rule order = 2 without asking: see SecondOrderVjpRuleCallers. */
  @CustomVjp
  static double cube(double x) {
    return x * x * x;
  }

  @Fwd("cube")
  static FwdResult<Double, Double> cubeFwd(double x) {
    return FwdResult.of(x * x * x, x);
  }

  @Bwd("cube")
  static double cubeBwd(Double x, double g) {
    return 3 * x * x * g;
  }

  @Differentiable(order = 2)
  static double cubeCaller(double x) {
    double c = cube(x);
    return Math.sin(c);
  }

  /**
   * A Void residual (stop 29: it was "residuals of the type <nulltype>"): a linear map, scale(x) =
   * 3x, whose @Bwd needs nothing from the forward pass.
   */
  @CustomVjp(order = 2)
  static double scale(double x) {
    return 3 * x;
  }

  @Fwd("scale")
  static FwdResult<Double, Void> scaleFwd(double x) {
    return FwdResult.of(3 * x, null);
  }

  @Bwd("scale")
  static double scaleBwd(Void unused, double g) {
    return 3 * g;
  }

  /** x · scale(x²) = 3x³, through the rule: Hessian 18x. */
  @Differentiable(order = 2)
  static double scaleCaller(double x) {
    return x * scale(x * x);
  }
}
