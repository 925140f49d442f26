package dev.adjoint.tests;

import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import dev.adjoint.Bwd;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;

/** Methods for forward mode: Jacobians both ways, array tangents, a rule's JVP. */
final class Forward {
  private Forward() {}

  /** A damped oscillation's residuals at samples {@code t}: 4 inputs, t.length outputs. */
  @Differentiable
  static double[] residual(double[] p, @NoDiff double[] t, @NoDiff double[] observed) {
    double[] r = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      r[i] = p[0] * Math.exp(-p[1] * t[i]) * Math.cos(p[2] * t[i] + p[3]) - observed[i];
    }
    return r;
  }

  /** Two outputs of many inputs: the Jacobian by pullbacks. */
  @Differentiable
  static double[] moments(double[] x) {
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < x.length; i++) {
      sum += x[i];
      squares += x[i] * x[i];
    }
    double[] out = new double[2];
    out[0] = sum;
    out[1] = squares;
    return out;
  }

  /** The example: {sqrt(y), x}, whose derivative in y is infinite at y = 0. */
  @Differentiable
  static double[] sqrtAndX(double x, double y) {
    double[] out = new double[2];
    out[0] = Math.sqrt(y);
    out[1] = x;
    return out;
  }

  /** {sqrt(y), x, x*y}: more outputs than inputs, so the Jacobian is one vector sweep. */
  @Differentiable
  static double[] sqrtXAndProduct(double x, double y) {
    double[] out = new double[3];
    out[0] = Math.sqrt(y);
    out[1] = x;
    out[2] = x * y;
    return out;
  }

  /**
   * m outputs of p.length inputs, through a scalar carried across a loop, a branch, a kink and an
   * index computed from the loop's counter: the Jacobian is one vector sweep when m is larger.
   */
  @Differentiable
  static double[] expand(double[] p, @NoDiff int m) {
    double[] out = new double[m];
    double acc = 0;
    for (int i = 0; i < m; i++) {
      double w = p[i % p.length];
      if (w > 0) {
        acc += w * w;
      } else {
        acc = acc * 0.5 - Math.abs(w - 0.25);
      }
      out[i] = acc / (1 + i);
    }
    return out;
  }

  /** One step of an iterated map, x -> 0.5 x shifted + sin x, for iterating with a workspace. */
  @Differentiable
  static double[] step(double[] x) {
    int n = x.length;
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = 0.5 * x[(i + n - 1) % n] + Math.sin(x[i]);
    }
    return r;
  }

  /** {x0 + x1, x1 / x0}: at x0 = 0 the quotient's partials are infinite. */
  @Differentiable
  static double[] quotient(double[] x) {
    double[] r = new double[2];
    r[0] = x[0] + x[1];
    r[1] = x[1] / x[0];
    return r;
  }

  /**
   * With {@link #quotient}'s array result, {@code quotientValueAnd} makes no {@code
   * quotientValueAndGrad} (a gradient is of a scalar result): no name clash (a compile test).
   */
  @Differentiable
  static double quotientValueAnd(double x) {
    return 2 * x;
  }

  /** A matrix input, reduced row by row into a local that is returned. */
  @Differentiable
  static double[] rowSums(double[][] m, double s) {
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        out[i] += s * m[i][j] * m[i][j];
      }
    }
    return out;
  }

  /** A rule that is not its body's derivative on purpose (twice it): its JVP is the rule's. */
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
    return g * 6 * x * x;
  }

  /** Forward mode through the rule: its JVP is its pullback's. */
  @Differentiable
  static double usesCube(double x, double y) {
    return Math.sin(cube(x) * y);
  }
}
