package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;
import java.util.Random;

/**
 * Compound assignments and increments of array elements whose indices have effects: Java
 * evaluates the array and each index once, left to right, then the right-hand side, and so must
 * every generated form. {@link #step} and {@link #level} count and log their calls.
 */
final class EvaluationOrder {
  private EvaluationOrder() {}

  /** How many times {@link #step} ran since {@link #reset}; also read as a field by a method. */
  static int steps;

  /**
   * One letter per call since {@link #reset}: {@code i} for {@link #step}, {@code f} for {@link
   * #level}.
   */
  static final StringBuilder trace = new StringBuilder();

  static void reset() {
    steps = 0;
    trace.setLength(0);
  }

  /** 0, 1, 2, ...: an index with an effect. */
  static int step() {
    trace.append('i');
    return steps++;
  }

  /** 2.0, logging that it ran: a right-hand side with an effect. */
  static double level() {
    trace.append('f');
    return 2.0;
  }

  /** 2.0, and moves {@link #steps} on: changes what an index that reads the field sees. */
  static double levelAndStep() {
    trace.append('f');
    steps++;
    return 2.0;
  }

  /** 3x^2 - 2 + (1 - 3x)^2, through six compound writes at indices 0, 1, 2, 0, 1, 2. */
  @Differentiable
  static double increments(double x) {
    double[] y = new double[3];
    y[step() % 3] += x;
    y[step() % 3] += x * x;
    y[step() % 3]++;
    y[step() % 3] *= x;
    y[step() % 3]--;
    y[step() % 3] -= 3 * x;
    return y[0] + 2 * y[1] + y[2] * y[2];
  }

  /** 2x + 4x^2; each index is computed before the right-hand side (trace "ififif"). */
  @Differentiable
  static double indexBeforeRightSide(double x) {
    double[] y = new double[4];
    y[step() % 4] += x * level();
    y[step() % 4] = x * level();
    double s = y[step() % 4] * level();
    return s + y[0] + y[1] * y[1];
  }

  /**
   * y[0] = 5 + 2x (not y[1] + 2x): the index reads the field before the right-hand side moves it.
   * The result is y[0] * y[0] + y[1].
   */
  @Differentiable
  static double fieldIndexThenEffect(double x) {
    double[] y = new double[3];
    y[0] = 5;
    y[1] = 7;
    y[steps % 3] += x * levelAndStep();
    return y[0] * y[0] + y[1];
  }

  /** 2x^2 + x, through writes at m[0][1], m[0][0] and m[0][2]. */
  @Differentiable
  static double matrixElements(double x) {
    double[][] m = new double[2][3];
    m[step() % 2][step() % 3] -= x;
    m[step() % 2][step() % 3] += x * x;
    m[step() % 2][step() % 3]++;
    return m[0][1] * m[0][1] + m[0][0] + m[0][2] * x;
  }

  /** sum_i (i + 1) g_i^2, where g adds up w at the indices {@code rnd} draws. */
  @Differentiable
  static double scatter(double[] w, Random rnd, int n) {
    double[] g = new double[n];
    for (int t = 0; t < w.length; t++) {
      g[rnd.nextInt(n)] += w[t];
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += g[i] * g[i] * (i + 1);
    }
    return s;
  }

  /** sum_ij (i + j + 1) m_ij^2, where m adds up w at the (row, column) pairs {@code rnd} draws. */
  @Differentiable
  static double scatterRows(double[] w, Random rnd) {
    double[][] m = new double[2][3];
    for (int t = 0; t < w.length; t++) {
      m[rnd.nextInt(2)][rnd.nextInt(3)] += w[t];
      m[rnd.nextInt(2)][rnd.nextInt(3)]++;
    }
    double s = 0;
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        s += m[i][j] * m[i][j] * (i + j + 1);
      }
    }
    return s;
  }

  /**
   * Arrays.fill's arguments in Java's order (trace "iif"): from 0, to 3, so y = (2x, 2x, 2x) and
   * the result is 4x^2 + 2x.
   */
  @Differentiable
  static double fillArguments(double x) {
    double[] y = new double[3];
    java.util.Arrays.fill(y, step() % 2, 2 + step() % 2, x * level());
    return y[0] * y[1] + y[2];
  }

  /** x^3, through writes at y[0] and y[1]; its rule's own gradient is 3x^2 too. */
  @CustomVjp
  static double ruleWithEffects(double x) {
    double[] y = new double[2];
    y[step() % 2] += x;
    y[step() % 2] += x * x;
    return y[0] * y[1];
  }

  @Fwd("ruleWithEffects")
  static FwdResult<Double, Double> ruleWithEffectsFwd(double x) {
    return FwdResult.of(x * x * x, x);
  }

  @Bwd("ruleWithEffects")
  static double ruleWithEffectsBwd(Double x, double g) {
    return g * 3 * x * x;
  }
}
