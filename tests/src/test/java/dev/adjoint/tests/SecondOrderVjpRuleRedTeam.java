package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.FwdResult;

/**
 * {@code @CustomVjp(order = 2)} rules written as users write them: residual records with
 * discrete and nested components, several returns in the {@code @Bwd}, companions that call
 * annotated methods (another rule too), names that generated code also uses, static fields, a
 * value computed by a call (SecondOrderVjpRuleRedTeamTest).
 */
final class SecondOrderVjpRuleRedTeam {
  private SecondOrderVjpRuleRedTeam() {}

  static double scale = 2.0;
  static double[] weights = {1.0, 3.0};

  // x²y + y³, the residuals a record holding an int, a nested record and an array.
  @CustomVjp(order = 2)
  static double mix(double x, double y) {
    return x * x * y + y * y * y;
  }

  record Inner(double a, double b) {}

  record MixRes(int n, Inner in, double[] xs) {}

  record MixCot(double x, double y) {}

  @Fwd("mix")
  static FwdResult<Double, MixRes> mixFwd(double x, double y) {
    double[] xs = new double[2];
    xs[0] = x;
    xs[1] = y;
    return FwdResult.of(x * x * y + y * y * y, new MixRes(3, new Inner(x, y), xs));
  }

  @Bwd("mix")
  static MixCot mixBwd(MixRes r, double g) {
    double gx = 2 * r.in().a() * r.xs()[1] * g;
    double gy = (r.in().a() * r.in().a() + r.n() * r.in().b() * r.in().b()) * g;
    return new MixCot(gx, gy);
  }

  // x³ for x > 0, sin x otherwise; the @Bwd returns in three places.
  @CustomVjp(order = 2)
  static double branchy(double x) {
    return x > 0 ? x * x * x : Math.sin(x);
  }

  @Fwd("branchy")
  static FwdResult<Double, Double> branchyFwd(double x) {
    double v = x > 0 ? x * x * x : Math.sin(x);
    return FwdResult.of(v, x);
  }

  @Bwd("branchy")
  static double branchyBwd(Double x, double g) {
    if (x > 0) {
      return 3 * x * x * g;
    }
    double c = Math.cos(x);
    if (x < -1) {
      return g * c;
    }
    return c * g;
  }

  // sum w_i exp(k x_i): a @NoDiff double[] and an int parameter.
  @CustomVjp(order = 2)
  static double weighted(double[] x, @NoDiff double[] w, int k) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += w[i] * Math.exp(k * x[i]);
    }
    return s;
  }

  @Fwd("weighted")
  static FwdResult<Double, double[]> weightedFwd(double[] x, double[] w, int k) {
    double s = 0;
    double[] e = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      e[i] = w[i] * k * Math.exp(k * x[i]);
      s += w[i] * Math.exp(k * x[i]);
    }
    return FwdResult.of(s, e);
  }

  @Bwd("weighted")
  static double[] weightedBwd(double[] e, double g) {
    double[] out = new double[e.length];
    for (int i = 0; i < e.length; i++) {
      out[i] = g * e[i];
    }
    return out;
  }

  @Differentiable
  static double sq(double x) {
    return x * x;
  }

  // x³/3, whose @Bwd calls the annotated sq; x⁴/12, whose @Bwd calls the rule third.
  @CustomVjp(order = 2)
  static double third(double x) {
    return x * x * x / 3;
  }

  @Fwd("third")
  static FwdResult<Double, Double> thirdFwd(double x) {
    double s = sq(x);
    return FwdResult.of(x * s / 3, x);
  }

  @Bwd("third")
  static double thirdBwd(Double x, double g) {
    return g * sq(x);
  }

  @CustomVjp(order = 2)
  static double quartic(double x) {
    return x * x * x * x / 12;
  }

  @Fwd("quartic")
  static FwdResult<Double, Double> quarticFwd(double x) {
    return FwdResult.of(x * x * x * x / 12, x);
  }

  @Bwd("quartic")
  static double quarticBwd(Double x, double g) {
    return g * third(x);
  }

  // Parameters named like the tangent map's own variables.
  @CustomVjp(order = 2)
  static double names(double tangent, double g, double residual, double xDot, double x) {
    return tangent * g * residual * xDot * x;
  }

  record NamesRes(double tangent, double g, double residual, double xDot, double x) {}

  record NamesCot(double tangent, double g, double residual, double xDot, double x) {}

  @Fwd("names")
  static FwdResult<Double, NamesRes> namesFwd(double tangent, double g, double residual,
      double xDot, double x) {
    return FwdResult.of(tangent * g * residual * xDot * x,
        new NamesRes(tangent, g, residual, xDot, x));
  }

  @Bwd("names")
  static NamesCot namesBwd(NamesRes i, double j) {
    double tangent = i.tangent();
    double g = i.g();
    double residual = i.residual();
    double xDot = i.xDot();
    double x = i.x();
    return new NamesCot(j * g * residual * xDot * x, j * tangent * residual * xDot * x,
        j * tangent * g * xDot * x, j * tangent * g * residual * x,
        j * tangent * g * residual * xDot);
  }

  // w1 exp(k x) with static fields read in both companions.
  @CustomVjp(order = 2)
  static double fielded(double x) {
    return Math.exp(scale * x) * weights[1];
  }

  @Fwd("fielded")
  static FwdResult<Double, Double> fieldedFwd(double x) {
    return FwdResult.of(Math.exp(scale * x) * weights[1], x);
  }

  @Bwd("fielded")
  static double fieldedBwd(Double x, double g) {
    return g * scale * weights[1] * Math.exp(scale * x);
  }

  // sum x_i², its value computed by a call of the rule itself (kept: it takes an array).
  @CustomVjp(order = 2)
  static double squares(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return s;
  }

  @Fwd("squares")
  static FwdResult<Double, double[]> squaresFwd(double[] x) {
    double[] twice = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      twice[i] = 2 * x[i];
    }
    return FwdResult.of(squares(x), twice);
  }

  @Bwd("squares")
  static double[] squaresBwd(double[] twice, double g) {
    double[] out = new double[twice.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = g * twice[i];
    }
    return out;
  }

  // log-sum-exp without order = 2: SecondOrderVjpRuleRedTeamCaller, another class, gives it.
  @CustomVjp
  static double lse(double[] x) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      m = Math.max(m, v);
    }
    double s = 0;
    for (double v : x) {
      s += Math.exp(v - m);
    }
    return m + Math.log(s);
  }

  @Fwd("lse")
  static FwdResult<Double, double[]> lseFwd(double[] x) {
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
    return FwdResult.of(m + Math.log(s), p);
  }

  @Bwd("lse")
  static double[] lseBwd(double[] p, double g) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = g * p[i];
    }
    return out;
  }
}
