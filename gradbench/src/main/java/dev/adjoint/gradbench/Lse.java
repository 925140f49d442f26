package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;
import java.util.Map;

/**
 * GradBench's {@code lse} eval: log-sum-exp of {@code x} ({@code primal}) and its gradient
 * ({@code gradient}), in the stable form max + log Σ exp(x<sub>i</sub> − max). The function is a
 * {@code @CustomVjp} rule whose {@code @Bwd} gives the softmax times the cotangent, so the
 * gradient costs one pass over x beside the primal's two; {@code LseAdjoint.FromBody} keeps the
 * gradient derived from the body, which the tests compare with the rule.
 *
 * <p>Input {@code {"x": [...]}}; outputs a number ({@code primal}) and a list as long as x
 * ({@code gradient}).
 */
final class Lse implements EvalModule {

  /** log Σ exp(x<sub>i</sub>), shifted by the maximum so that no exponential overflows. */
  @CustomVjp
  static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, x[i]);
    }
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += Math.exp(x[i] - max);
    }
    return max + Math.log(sum);
  }

  /**
   * What the rule's backward pass needs: the input, its maximum and Σ exp(x<sub>i</sub> − max).
   */
  record Residuals(double[] x, double max, double sum) {}

  /** The body's two passes, keeping the maximum and the sum for the backward pass. */
  @Fwd("logSumExp")
  static FwdResult<Double, Residuals> logSumExpFwd(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    return FwdResult.of(max + Math.log(sum), new Residuals(x, max, sum));
  }

  /**
   * The softmax exp(x<sub>i</sub> − max) / sum, times the cotangent. (exp(x<sub>i</sub> − lse)
   * is the same number, but lse = max + log sum carries the rounding error of max: for x near
   * 1000 that is 1e-13, which the exponential passes on to every entry.)
   */
  @Bwd("logSumExp")
  static double[] logSumExpBwd(Residuals residuals, double cotangent) {
    double[] x = residuals.x();
    double max = residuals.max();
    double scale = cotangent / residuals.sum();
    double[] gradient = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      gradient[i] = scale * Math.exp(x[i] - max);
    }
    return gradient;
  }

  /**
   * The eval's function: {@link #logSumExp} through the generated code, which has a workspace
   * (the generated adjoint of a {@code @CustomVjp} method itself has none).
   */
  @Differentiable
  static double primal(double[] x) {
    return logSumExp(x);
  }

  @Override
  public String name() {
    return "lse";
  }

  @Override
  public Map<String, Function> functions() {
    return Map.of("primal", Primal::new, "gradient", Gradient::new);
  }

  private static final class Primal implements Evaluation {
    private final double[] x;
    private double value;

    Primal(JsonNode input) {
      x = Inputs.vector(input, "x");
    }

    @Override
    public void run() {
      value = primal(x);
    }

    @Override
    public Object output() {
      return value;
    }
  }

  private static final class Gradient implements Evaluation {
    private final double[] x;
    private final LseAdjoint.PrimalWorkspace workspace = LseAdjoint.primalWorkspace();

    Gradient(JsonNode input) {
      x = Inputs.vector(input, "x");
    }

    @Override
    public void run() {
      workspace.valueAndGrad(x);
    }

    @Override
    public Object output() {
      return workspace.x();
    }
  }
}
