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

  /** s/2 times the sum of the squares of a matrix's elements, as a rule over a double[][]. */
  @CustomVjp
  static double halfSquares(double[][] m, double s) {
    double sum = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        sum += m[i][j] * m[i][j];
      }
    }
    return 0.5 * s * sum;
  }

  record HalfSquaresResiduals(double[][] m, double s, double sum) {}

  record HalfSquaresCotangents(double[][] m, double s) {}

  @Fwd("halfSquares")
  static FwdResult<Double, HalfSquaresResiduals> halfSquaresFwd(double[][] m, double s) {
    double sum = 0;
    for (double[] row : m) {
      for (double v : row) {
        sum += v * v;
      }
    }
    return FwdResult.of(0.5 * s * sum, new HalfSquaresResiduals(m, s, sum));
  }

  @Bwd("halfSquares")
  static HalfSquaresCotangents halfSquaresBwd(HalfSquaresResiduals r, double g) {
    double[][] out = new double[r.m().length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new double[r.m()[i].length];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = g * r.s() * r.m()[i][j];
      }
    }
    return new HalfSquaresCotangents(out, 0.5 * g * r.sum());
  }

  /** A matrix rule whose @Bwd gives no cotangent for the matrix (null: zeros of its shape). */
  @CustomVjp
  static double frozenMatrix(double[][] m) {
    return m[0][0];
  }

  @Fwd("frozenMatrix")
  static FwdResult<Double, Double> frozenMatrixFwd(double[][] m) {
    return FwdResult.of(m[0][0], m[0][0]);
  }

  @Bwd("frozenMatrix")
  static double[][] frozenMatrixBwd(Double r, double g) {
    return null;
  }

  /** A faulty matrix rule: its cotangent has one row too few. */
  @CustomVjp
  static double shortMatrix(double[][] m) {
    return m[0][0];
  }

  @Fwd("shortMatrix")
  static FwdResult<Double, Integer> shortMatrixFwd(double[][] m) {
    return FwdResult.of(m[0][0], m.length);
  }

  @Bwd("shortMatrix")
  static double[][] shortMatrixBwd(Integer rows, double g) {
    return new double[rows - 1][1];
  }

  /**
   * A scratch matrix refilled as k m on each of three trips and handed to the matrix rule:
   * sum_k k^2 |m|^2 / 2, gradient 14 m. Each pullback must see its own trip's elements.
   */
  @Differentiable
  static double matrixRuleInLoop(double[][] m) {
    double[][] t = new double[m.length][m[0].length];
    double s = 0;
    for (int k = 1; k <= 3; k++) {
      for (int i = 0; i < m.length; i++) {
        for (int j = 0; j < m[i].length; j++) {
          t[i][j] = k * m[i][j];
        }
      }
      s += halfSquares(t, 1.0);
    }
    return s;
  }
}
