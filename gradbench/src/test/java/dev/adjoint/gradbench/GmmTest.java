package dev.adjoint.gradbench;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * The {@code gmm} eval: the objective against the log-posterior written the naive way (explicit
 * precision matrices, Gaussian densities, the Wishart density and exact log-gamma values at half
 * integers), the gradient against GradCheck and the shift invariance of the weights.
 */
final class GmmTest {

  /** The inputs of one size, decoded as the eval decodes them. */
  private static Gmm.Input input(long seed, int d, int k, int n, int m, double gamma) {
    return new Gmm.Input(Workloads.gmm(seed, d, k, n, m, gamma));
  }

  private static double objective(Gmm.Input in) {
    return Gmm.objective(in.alpha, in.mu, in.q, in.l, in.x, in.gamma, in.m);
  }

  @Test
  void objectiveIsTheLogPosterior() {
    int[][] sizes = {{1, 1, 1, 0}, {2, 3, 10, 0}, {3, 4, 20, 2}, {5, 2, 7, 1}, {2, 5, 1000, 0}};
    for (int[] size : sizes) {
      double gamma = size[3] == 0 ? 1.0 : 0.7;
      Gmm.Input in = input(size[0] * 31L + size[1], size[0], size[1], size[2], size[3], gamma);
      double expected = NaiveGmm.logPosterior(in);
      double actual = objective(in);
      assertThat(Math.abs(actual - expected) / Math.max(1, Math.abs(expected))).isAtMost(1e-11);
    }
  }

  @Test
  void logMultivariateGammaAtHalfIntegers() {
    for (int p = 1; p <= 12; p++) {
      for (int degrees = p; degrees <= p + 6; degrees++) {
        double a = 0.5 * degrees;
        assertThat(Gmm.logMultivariateGamma(a, p))
            .isWithin(1e-12 * Math.max(1, Math.abs(NaiveGmm.logMultivariateGamma(a, p))))
            .of(NaiveGmm.logMultivariateGamma(a, p));
      }
    }
  }

  @Test
  void gradCheckSmall() {
    Gmm.Input in = input(3, 3, 2, 10, 1, 0.8);
    GradCheck.defaults().assertGradient(function(in), flatten(in));
  }

  @Test
  void gradCheckAtTheSmallestEvalSizes() {
    // GradBench's d = 2, k = 5 and d = 10, k = 5 with n = 1000; the second has 330 parameters,
    // above the default limit of the full Jacobian: forced, each column checked.
    for (int d : new int[] {2, 10}) {
      Gmm.Input in = input(d, d, 5, 1000, 0, 1.0);
      GradCheck.defaults().withFullJacobianLimit(400).assertGradient(function(in), flatten(in));
    }
  }

  @Test
  void weightsGradientSumsToZero() {
    // The objective depends on alpha only through softmax(alpha): shifting every alpha_c by the
    // same amount changes nothing, so the alpha gradient sums to zero.
    Gmm.Input in = input(9, 4, 6, 50, 0, 1.0);
    GmmAdjoint.ObjectiveWorkspace workspace = GmmAdjoint.objectiveWorkspace();
    workspace.valueAndGrad(in.alpha, in.mu, in.q, in.l, in.x, in.gamma, in.m);
    double sum = 0;
    double scale = 0;
    for (double g : workspace.alpha()) {
      sum += g;
      scale += Math.abs(g);
    }
    assertThat(Math.abs(sum)).isAtMost(1e-12 * scale);
  }

  @Test
  void workspaceGivesTheAllocatingFormsResultCallAfterCall() {
    GmmAdjoint.ObjectiveWorkspace workspace = GmmAdjoint.objectiveWorkspace();
    for (int call = 0; call < 3; call++) {
      Gmm.Input in = input(100 + call, 3, 4, 25, call, 1.0);
      double value = workspace.valueAndGrad(in.alpha, in.mu, in.q, in.l, in.x, in.gamma, in.m);
      GmmAdjoint.ObjectiveValueAndGrad expected =
          GmmAdjoint.objectiveValueAndGrad(in.alpha, in.mu, in.q, in.l, in.x, in.gamma, in.m);
      assertThat(value).isEqualTo(expected.value());
      assertThat(value).isEqualTo(objective(in));
      assertThat(workspace.alpha()).usingExactEquality().containsExactly(expected.grad().alpha());
      for (int c = 0; c < 4; c++) {
        assertThat(workspace.mu()[c]).usingExactEquality().containsExactly(expected.grad().mu()[c]);
        assertThat(workspace.q()[c]).usingExactEquality().containsExactly(expected.grad().q()[c]);
        assertThat(workspace.l()[c]).usingExactEquality().containsExactly(expected.grad().l()[c]);
      }
    }
  }

  @Test
  void evalFunctionsGiveTheObjectiveAndItsGradient() {
    ObjectNode json = Workloads.gmm(4, 2, 3, 30);
    Gmm.Input in = new Gmm.Input(json);
    EvalModule.Evaluation objective = new Gmm().functions().get("objective").prepare(json);
    objective.run();
    assertThat((Double) objective.output()).isEqualTo(objective(in));
    EvalModule.Evaluation jacobian = new Gmm().functions().get("jacobian").prepare(json);
    jacobian.run();
    jacobian.run(); // a second run gives the same output
    GmmAdjoint.ObjectiveGrad expected =
        GmmAdjoint.objectiveGrad(in.alpha, in.mu, in.q, in.l, in.x, in.gamma, in.m);
    java.util.Map<?, ?> output = (java.util.Map<?, ?>) jacobian.output();
    assertThat(output.keySet()).containsExactly("alpha", "mu", "q", "l").inOrder();
    assertThat((double[]) output.get("alpha")).usingExactEquality().containsExactly(expected.alpha());
    assertThat(((double[][]) output.get("l"))[2])
        .usingExactEquality()
        .containsExactly(expected.l()[2]);
  }

  /** The parameters alpha, mu, q and l flattened in that order, rows one after another. */
  private static double[] flatten(Gmm.Input in) {
    int k = in.alpha.length;
    int d = in.mu[0].length;
    int size = in.l[0].length;
    double[] point = new double[k * (1 + 2 * d + size)];
    int p = 0;
    for (double v : in.alpha) {
      point[p++] = v;
    }
    for (double[][] matrix : new double[][][] {in.mu, in.q, in.l}) {
      for (double[] row : matrix) {
        for (double v : row) {
          point[p++] = v;
        }
      }
    }
    return point;
  }

  /** The objective over the flattened parameters, x, gamma and m bound: what GradCheck takes. */
  private static DifferentiableFunction function(Gmm.Input in) {
    int k = in.alpha.length;
    int d = in.mu[0].length;
    int size = in.l[0].length;
    return new DifferentiableFunction() {
      @Override
      public int dimension() {
        return k * (1 + 2 * d + size);
      }

      @Override
      public double value(double[] point) {
        double[][][] p = split(point);
        return Gmm.objective(p[0][0], p[1], p[2], p[3], in.x, in.gamma, in.m);
      }

      @Override
      public double valueAndGradient(double[] point, double[] gradientOut) {
        double[][][] p = split(point);
        GmmAdjoint.ObjectiveValueAndGrad vg =
            GmmAdjoint.objectiveValueAndGrad(p[0][0], p[1], p[2], p[3], in.x, in.gamma, in.m);
        GmmAdjoint.ObjectiveGrad g = vg.grad();
        int i = 0;
        for (double v : g.alpha()) {
          gradientOut[i++] = v;
        }
        for (double[][] matrix : new double[][][] {g.mu(), g.q(), g.l()}) {
          for (double[] row : matrix) {
            for (double v : row) {
              gradientOut[i++] = v;
            }
          }
        }
        return vg.value();
      }

      private double[][][] split(double[] point) {
        int[] columns = {k, d, d, size};
        int[] rows = {1, k, k, k};
        double[][][] parts = new double[4][][];
        int p = 0;
        for (int part = 0; part < 4; part++) {
          parts[part] = new double[rows[part]][columns[part]];
          for (double[] row : parts[part]) {
            for (int j = 0; j < row.length; j++) {
              row[j] = point[p++];
            }
          }
        }
        return parts;
      }
    };
  }
}
