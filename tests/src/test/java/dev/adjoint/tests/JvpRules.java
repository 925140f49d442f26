package dev.adjoint.tests;

import dev.adjoint.CustomJvp;
import dev.adjoint.Differentiable;
import dev.adjoint.Jvp;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.JvpResult;

/**
 * {@code @CustomJvp} rules, used in both modes: forward mode calls the rule; reverse mode
 * transposes its tangent map. {@link JvpRulesTest} checks them against closed forms, differences,
 * and each other (the dot-product test).
 */
final class JvpRules {
  private JvpRules() {}

  /** The tutorial's log(1 + e^x), whose derived derivative is NaN once e^x overflows. */
  @CustomJvp
  static double stableLog1pexp(double x) {
    return Math.log1p(Math.exp(x));
  }

  @Jvp("stableLog1pexp")
  static JvpResult<Double, Double> stableLog1pexpJvp(double x, double xDot) {
    return JvpResult.of(Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));
  }

  /** The tutorial's f(x, y) = x sin(y). */
  @CustomJvp
  static double f(double x, double y) {
    return x * Math.sin(y);
  }

  @Jvp("f")
  static JvpResult<Double, Double> fJvp(double x, double y, double xDot, double yDot) {
    double s = Math.sin(y);
    return JvpResult.of(x * s, s * xDot + x * Math.cos(y) * yDot);
  }

  /** A rule that is not its body's derivative on purpose (twice it): both modes use the rule. */
  @CustomJvp
  static double cube(double x) {
    return x * x * x;
  }

  @Jvp("cube")
  static JvpResult<Double, Double> cubeJvp(double x, double xDot) {
    return JvpResult.of(x * x * x, 6 * x * x * xDot);
  }

  /** A branch on the primal point picks the tangent; the kink's tangent is 0. */
  @CustomJvp
  static double relu(double x) {
    return Math.max(x, 0);
  }

  @Jvp("relu")
  static JvpResult<Double, Double> reluJvp(double x, double xDot) {
    double t = 0.0;
    if (x > 0) {
      t = xDot;
    }
    return JvpResult.of(Math.max(x, 0), t);
  }

  /** An array result, a constant and an array parameter: c·a·v. */
  @CustomJvp
  static double[] scale(double[] v, @NoDiff double c, double a) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = c * a * v[i];
    }
    return out;
  }

  @Jvp("scale")
  static JvpResult<double[], double[]> scaleJvp(
      double[] v, double c, double a, double[] vDot, double aDot) {
    double[] out = new double[v.length];
    double[] outDot = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = c * a * v[i];
      outDot[i] = c * (aDot * v[i] + a * vDot[i]);
    }
    return JvpResult.of(out, outDot);
  }

  /** An accumulation from 0 in a loop, divided by a primal value: the mean square. */
  @CustomJvp
  static double meanSquare(double[] x) {
    double s = 0;
    for (double xi : x) {
      s += xi * xi;
    }
    return s / x.length;
  }

  @Jvp("meanSquare")
  static JvpResult<Double, Double> meanSquareJvp(double[] x, double[] xDot) {
    double s = 0;
    double t = 0.0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * x[i];
      t += 2 * x[i] * xDot[i];
    }
    return JvpResult.of(s / x.length, t / x.length);
  }

  /** A matrix parameter and an int one: the sum of m[i][j]^n. */
  @CustomJvp
  static double powerSum(double[][] m, int n) {
    double s = 0;
    for (double[] row : m) {
      for (double e : row) {
        s += Math.pow(e, n);
      }
    }
    return s;
  }

  @Jvp("powerSum")
  static JvpResult<Double, Double> powerSumJvp(double[][] m, int n, double[][] mDot) {
    double s = 0;
    double t = 0.0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        s += Math.pow(m[i][j], n);
        t += n * Math.pow(m[i][j], n - 1) * mDot[i][j];
      }
    }
    return JvpResult.of(s, t);
  }

  /** A rule that calls another annotated method on primal values only. */
  @CustomJvp
  static double twiceF(double x, double y) {
    return 2 * f(x, y);
  }

  @Jvp("twiceF")
  static JvpResult<Double, Double> twiceFJvp(double x, double y, double xDot, double yDot) {
    double c = x * Math.cos(y);
    return JvpResult.of(2 * f(x, y), 2 * (Math.sin(y) * xDot + c * yDot));
  }

  /** A rule whose tangent has the wrong length: mJvp refuses it. */
  @CustomJvp
  static double[] wrongLength(double[] v) {
    return v.clone();
  }

  @Jvp("wrongLength")
  static JvpResult<double[], double[]> wrongLengthJvp(double[] v, double[] vDot) {
    double[] t = new double[v.length + 1];
    for (int i = 0; i < v.length; i++) {
      t[i] = vDot[i];
    }
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return JvpResult.of(out, t);
  }

  /** Every rule above, composed in derived code: both modes go through the rules. */
  @Differentiable
  static double loss(double x, double y, double[] v, double[][] m) {
    double r = f(x, y);
    double[] w = scale(v, 2.0, x);
    return r * r + stableLog1pexp(x) + relu(y - x) + meanSquare(w) + powerSum(m, 3)
        + cube(y) + twiceF(y, x);
  }
}
