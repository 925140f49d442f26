package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.numbers.gamma.LogGamma;

/**
 * GradBench's {@code gmm} eval (from ADBench): the log-posterior of a Gaussian mixture with k
 * components in d dimensions, n points, and a Wishart prior on the precision matrices, and its
 * gradient in the parameters ({@code objective}, {@code jacobian}).
 *
 * <p>Component c has weight logit α<sub>c</sub>, mean μ<sub>c</sub> and the Cholesky factor
 * Q<sub>c</sub> of its precision matrix: diagonal exp(q<sub>c</sub>), strictly lower triangle
 * l<sub>c</sub> packed column by column (entry (row, col) at col·(2d − col − 1)/2 + row − col −
 * 1), so l<sub>c</sub> has d(d − 1)/2 entries. The objective is
 *
 * <pre>
 *   −(nd/2) log 2π + Σ<sub>i</sub> lse<sub>c</sub>(α<sub>c</sub> + Σq<sub>c</sub> − ½‖Q<sub>c</sub>(x<sub>i</sub> − μ<sub>c</sub>)‖²) − n lse(α)
 *   − Σ<sub>c</sub> (½γ² (‖exp q<sub>c</sub>‖² + ‖l<sub>c</sub>‖²) − m Σq<sub>c</sub>) + k C(d, γ, m),
 * </pre>
 *
 * with the Wishart constant C = N d (log γ − ½ log 2) − log Γ<sub>d</sub>(N/2), N = d + m + 1
 * (Γ<sub>d</sub> the multivariate gamma function, from Apache Commons Numbers' log-gamma).
 *
 * <p>Input {@code {"d", "k", "n", "m", "gamma", "x": n×d, "alpha": k, "mu": k×d, "q": k×d,
 * "l": k×d(d−1)/2}} (and {@code min_runs}, {@code min_seconds}); {@code objective} outputs a
 * number, {@code jacobian} {@code {"alpha", "mu", "q", "l"}} in the shapes of the input.
 */
final class Gmm implements EvalModule {

  /**
   * The objective, as plain loops over the matrices. The log-sum-exp over the components of each
   * point is {@link Lse#logSumExp}, a custom rule over a {@code double[]}: rules take no rows of a
   * matrix, so each point's terms are gathered in a scratch array first.
   */
  @Differentiable
  static double objective(
      double[] alpha,
      double[][] mu,
      double[][] q,
      double[][] l,
      @NoDiff double[][] x,
      @NoDiff double gamma,
      int m) {
    int k = alpha.length;
    int n = x.length;
    int d = x[0].length;
    double[][] qDiagonal = new double[k][d];
    double[] sumQ = new double[k];
    double[] centered = new double[d];
    double[] terms = new double[k];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        qDiagonal[c][j] = Math.exp(q[c][j]);
        sumQ[c] += q[c][j];
      }
    }
    double sumLse = 0;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < k; c++) {
        for (int j = 0; j < d; j++) {
          centered[j] = x[i][j] - mu[c][j];
        }
        // ‖Q (x - mu)‖², one row of Q at a time.
        double squaredNorm = 0;
        for (int row = 0; row < d; row++) {
          double entry = qDiagonal[c][row] * centered[row];
          for (int col = 0; col < row; col++) {
            entry += l[c][col * (2 * d - col - 1) / 2 + row - col - 1] * centered[col];
          }
          squaredNorm += entry * entry;
        }
        terms[c] = alpha[c] + sumQ[c] - 0.5 * squaredNorm;
      }
      sumLse += Lse.logSumExp(terms);
    }
    double prior = 0;
    for (int c = 0; c < k; c++) {
      double frobenius = 0;
      for (int j = 0; j < d; j++) {
        frobenius += qDiagonal[c][j] * qDiagonal[c][j];
      }
      for (int j = 0; j < l[c].length; j++) {
        frobenius += l[c][j] * l[c][j];
      }
      prior += 0.5 * gamma * gamma * frobenius - m * sumQ[c];
    }
    double constant = -0.5 * n * d * Math.log(2 * Math.PI) + k * logWishartConstant(d, gamma, m);
    return constant + sumLse - n * Lse.logSumExp(alpha) - prior;
  }

  /**
   * The log of the Wishart density's normalising factor for precision γ² I and N = d + m + 1
   * degrees of freedom: N d (log γ − ½ log 2) − log Γ<sub>d</sub>(N/2).
   */
  static double logWishartConstant(int d, double gamma, int m) {
    int degrees = d + m + 1;
    return degrees * d * (Math.log(gamma) - 0.5 * Math.log(2))
        - logMultivariateGamma(0.5 * degrees, d);
  }

  /**
   * log Γ<sub>p</sub>(a) = ¼ p (p − 1) log π + Σ<sub>j=1..p</sub> log Γ(a + (1 − j)/2).
   */
  static double logMultivariateGamma(double a, int p) {
    double sum = 0.25 * p * (p - 1) * Math.log(Math.PI);
    for (int j = 1; j <= p; j++) {
      sum += LogGamma.value(a + 0.5 * (1 - j));
    }
    return sum;
  }

  @Override
  public String name() {
    return "gmm";
  }

  @Override
  public Map<String, Function> functions() {
    return Map.of("objective", Objective::new, "jacobian", Jacobian::new);
  }

  /** A decoded input, its shapes checked against d, k and n. */
  static final class Input {
    final double[] alpha;
    final double[][] mu;
    final double[][] q;
    final double[][] l;
    final double[][] x;
    final double gamma;
    final int m;

    Input(JsonNode input) {
      int d = Inputs.integer(input, "d");
      int k = Inputs.integer(input, "k");
      int n = Inputs.integer(input, "n");
      if (d < 1 || k < 1 || n < 1) {
        throw new IllegalArgumentException(
            "d, k and n must be at least 1, but are " + d + ", " + k + ", " + n);
      }
      alpha = Inputs.vector(input, "alpha");
      mu = Inputs.matrix(input, "mu");
      q = Inputs.matrix(input, "q");
      l = Inputs.matrix(input, "l");
      x = Inputs.matrix(input, "x");
      gamma = Inputs.number(input, "gamma");
      m = Inputs.integer(input, "m");
      requireLength("alpha", alpha.length, k);
      requireShape("mu", mu, k, d);
      requireShape("q", q, k, d);
      requireShape("l", l, k, d * (d - 1) / 2);
      requireShape("x", x, n, d);
    }

    private static void requireShape(String name, double[][] matrix, int rows, int columns) {
      requireLength(name, matrix.length, rows);
      for (int i = 0; i < rows; i++) {
        requireLength(name + "[" + i + "]", matrix[i].length, columns);
      }
    }

    private static void requireLength(String name, int length, int expected) {
      if (length != expected) {
        throw new IllegalArgumentException(
            name + " must have length " + expected + ", but has " + length);
      }
    }
  }

  private static final class Objective implements Evaluation {
    private final Input in;
    private double value;

    Objective(JsonNode input) {
      in = new Input(input);
    }

    @Override
    public void run() {
      value = objective(in.alpha, in.mu, in.q, in.l, in.x, in.gamma, in.m);
    }

    @Override
    public Object output() {
      return value;
    }
  }

  private static final class Jacobian implements Evaluation {
    private final Input in;
    private final GmmAdjoint.ObjectiveWorkspace workspace = GmmAdjoint.objectiveWorkspace();

    Jacobian(JsonNode input) {
      in = new Input(input);
    }

    @Override
    public void run() {
      workspace.valueAndGrad(in.alpha, in.mu, in.q, in.l, in.x, in.gamma, in.m);
    }

    @Override
    public Object output() {
      Map<String, Object> jacobian = new LinkedHashMap<>();
      jacobian.put("alpha", workspace.alpha());
      jacobian.put("mu", workspace.mu());
      jacobian.put("q", workspace.q());
      jacobian.put("l", workspace.l());
      return jacobian;
    }
  }
}
