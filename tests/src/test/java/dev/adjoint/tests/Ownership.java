package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.FwdResult;

/**
 * Who owns which array: a Vjp keeps what its pullback reads as it was when the Vjp was made; the
 * value and the gradient a user gets are the user's; a workspace takes its own gradient buffer as
 * its next point; a null array the call never reads passes through.
 */
final class Ownership {
  private Ownership() {}

  /** Straight-line code: x0 x1 + sin(x2) c0, with @NoDiff data c. */
  @Differentiable
  static double straight(double[] x, @NoDiff double[] c) {
    return x[0] * x[1] + Math.sin(x[2]) * c[0];
  }

  /** A loop: the sum of (w_i d_i - 1)^2, with @NoDiff data d. */
  @Differentiable
  static double loop(double[] w, @NoDiff double[] d) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      double r = w[i] * d[i] - 1;
      s += r * r;
    }
    return s;
  }

  /** The sum of cubes, by a rule whose @Fwd keeps its argument array as the residual. */
  @CustomVjp
  static double cubes(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * x[i] * x[i];
    }
    return s;
  }

  @Fwd("cubes")
  static FwdResult<Double, double[]> cubesFwd(double[] x) {
    return FwdResult.of(cubes(x), x);
  }

  @Bwd("cubes")
  static double[] cubesBwd(double[] x, double g) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = 3 * g * x[i] * x[i];
    }
    return out;
  }

  /** Passes its parameter arrays on, to the rule and to a derived callee: cubes(x) + 2 loop(x, d). */
  @Differentiable
  static double viaCallees(double[] x, @NoDiff double[] d) {
    return cubes(x) + 2 * loop(x, d);
  }

  /** A double[] result: y_i = c x_i^2. */
  @Differentiable
  static double[] squares(double[] x, double c) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = c * x[i] * x[i];
    }
    return y;
  }

  /** A rule with a double[] result, 2x, which its @Fwd also keeps as its residual. */
  @CustomVjp
  static double[] doubled(double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 2 * x[i];
    }
    return y;
  }

  @Fwd("doubled")
  static FwdResult<double[], double[]> doubledFwd(double[] x) {
    double[] y = doubled(x);
    return FwdResult.of(y, y);
  }

  @Bwd("doubled")
  static double[] doubledBwd(double[] y, double[] g) {
    double[] out = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      out[i] = 2 * g[i];
    }
    return out;
  }

  /**
   * The sum of squares, by a rule whose @Bwd returns, for a unit cotangent, the gradient its @Fwd
   * made and kept in its residual: the same array on every call of the pullback.
   */
  @CustomVjp
  static double keptGradient(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * x[i];
    }
    return s;
  }

  @Fwd("keptGradient")
  static FwdResult<Double, double[]> keptGradientFwd(double[] x) {
    double[] gradient = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      gradient[i] = 2 * x[i];
    }
    return FwdResult.of(keptGradient(x), gradient);
  }

  @Bwd("keptGradient")
  static double[] keptGradientBwd(double[] gradient, double g) {
    if (g == 1) {
      return gradient;
    }
    double[] out = new double[gradient.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = g * gradient[i];
    }
    return out;
  }

  /** The one array {@link #sumOfSquaresBwd} returns, refilled on every call. */
  private static final double[] LAST = new double[3];

  /** The sum of squares of three numbers, by a rule whose @Bwd returns one static array. */
  @CustomVjp
  static double sumOfSquares(double[] x) {
    return x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
  }

  @Fwd("sumOfSquares")
  static FwdResult<Double, double[]> sumOfSquaresFwd(double[] x) {
    return FwdResult.of(sumOfSquares(x), x.clone());
  }

  @Bwd("sumOfSquares")
  static double[] sumOfSquaresBwd(double[] x, double g) {
    synchronized (LAST) {
      for (int i = 0; i < 3; i++) {
        LAST[i] = 2 * g * x[i];
      }
      return LAST;
    }
  }

  /** Of a matrix and a vector: the sum of a_ij^2 v_j. */
  @Differentiable
  static double weightedSquares(double[][] a, double[] v) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < v.length; j++) {
        s += a[i][j] * a[i][j] * v[j];
      }
    }
    return s;
  }

  /** Reads x only when told to: y^2, or x0 y. */
  @Differentiable
  static double maybe(double[] x, double y, boolean useX) {
    if (useX) {
      return x[0] * y;
    }
    return y * y;
  }

  /** Passes a possibly null array on: maybe(x, y, false) + y. */
  @Differentiable
  static double passesNull(double[] x, double y) {
    return maybe(x, y, false) + y;
  }

  /** Reads only the first row of m: m00^2 (the other rows may be null). */
  @Differentiable
  static double firstRow(double[][] m) {
    return m[0][0] * m[0][0];
  }

  /** A rule that reads x only when y is negative: y^2, or x0 y. */
  @CustomVjp
  static double ruleMaybe(double[] x, double y) {
    return y < 0 ? x[0] * y : y * y;
  }

  record RuleMaybeResiduals(double[] x, double y) {}

  record RuleMaybeCotangents(double[] x, double y) {}

  @Fwd("ruleMaybe")
  static FwdResult<Double, RuleMaybeResiduals> ruleMaybeFwd(double[] x, double y) {
    return FwdResult.of(ruleMaybe(x, y), new RuleMaybeResiduals(x, y));
  }

  @Bwd("ruleMaybe")
  static RuleMaybeCotangents ruleMaybeBwd(RuleMaybeResiduals r, double g) {
    if (r.y() >= 0) {
      return new RuleMaybeCotangents(null, 2 * r.y() * g);
    }
    double[] xBar = new double[r.x().length];
    xBar[0] = r.y() * g;
    return new RuleMaybeCotangents(xBar, r.x()[0] * g);
  }
}
