package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adjoint.Differentiable;
import java.util.Map;

/**
 * GradBench's {@code llsq} eval (cmpad's {@code llsq_obj}): the linear least-squares objective
 *
 * <pre>
 *   y(x) = ½ Σ<sub>i&lt;n</sub> (s<sub>i</sub> − Σ<sub>j&lt;m</sub> x<sub>j</sub> t<sub>i</sub><sup>j</sup>)²,
 *   t<sub>i</sub> = −1 + 2i / (n − 1),  s<sub>i</sub> = sign(t<sub>i</sub>),
 * </pre>
 *
 * and its gradient in x. Input {@code {"x": [...], "n": n}}; outputs a number ({@code primal})
 * and a list as long as x ({@code gradient}).
 */
final class Llsq implements EvalModule {

  /** y(x) for n sample points, as a Java user writes it: the powers of t built up in the loop. */
  @Differentiable
  static double objective(double[] x, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double t = -1 + i * 2.0 / (n - 1);
      double residual = Math.signum(t);
      double power = 1;
      for (int j = 0; j < x.length; j++) {
        residual -= x[j] * power;
        power *= t;
      }
      sum += residual * residual;
    }
    return sum / 2;
  }

  @Override
  public String name() {
    return "llsq";
  }

  @Override
  public Map<String, Function> functions() {
    return Map.of("primal", Primal::new, "gradient", Gradient::new);
  }

  private static int samples(JsonNode input) {
    int n = Inputs.integer(input, "n");
    if (n < 2) {
      throw new IllegalArgumentException("n must be at least 2, but is " + n);
    }
    return n;
  }

  private static final class Primal implements Evaluation {
    private final double[] x;
    private final int n;
    private double value;

    Primal(JsonNode input) {
      x = Inputs.vector(input, "x");
      n = samples(input);
    }

    @Override
    public void run() {
      value = objective(x, n);
    }

    @Override
    public Object output() {
      return value;
    }
  }

  private static final class Gradient implements Evaluation {
    private final double[] x;
    private final int n;
    private final LlsqAdjoint.ObjectiveWorkspace workspace = LlsqAdjoint.objectiveWorkspace();

    Gradient(JsonNode input) {
      x = Inputs.vector(input, "x");
      n = samples(input);
    }

    @Override
    public void run() {
      workspace.valueAndGrad(x, n);
    }

    @Override
    public Object output() {
      return workspace.x();
    }
  }
}
