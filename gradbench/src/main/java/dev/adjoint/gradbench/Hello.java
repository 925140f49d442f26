package dev.adjoint.gradbench;

import dev.adjoint.Differentiable;
import java.util.Map;

/**
 * GradBench's {@code hello} eval: {@code square} is x², {@code double} its derivative 2x, from the
 * generated gradient of {@link #square}. Inputs and outputs are bare numbers.
 */
final class Hello implements EvalModule {

  @Differentiable
  static double square(double x) {
    return x * x;
  }

  @Override
  public String name() {
    return "hello";
  }

  @Override
  public Map<String, Function> functions() {
    return Map.of(
        "square", input -> new Scalar(Inputs.number(input), false),
        "double", input -> new Scalar(Inputs.number(input), true));
  }

  /** square(x), or its derivative. */
  private static final class Scalar implements Evaluation {
    private final double x;
    private final boolean derivative;
    private double output;

    Scalar(double x, boolean derivative) {
      this.x = x;
      this.derivative = derivative;
    }

    @Override
    public void run() {
      output = derivative ? HelloAdjoint.squareGrad(x).x() : square(x);
    }

    @Override
    public Object output() {
      return output;
    }
  }
}
