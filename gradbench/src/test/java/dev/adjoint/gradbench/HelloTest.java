package dev.adjoint.gradbench;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.node.DoubleNode;
import org.junit.jupiter.api.Test;

/** The {@code hello} eval: x² and 2x, as GradBench's own eval chains them. */
final class HelloTest {

  private static double call(String function, double x) {
    EvalModule.Evaluation evaluation =
        new Hello().functions().get(function).prepare(DoubleNode.valueOf(x));
    evaluation.run();
    return (Double) evaluation.output();
  }

  @Test
  void squareAndItsDerivative() {
    double x = 1.0;
    for (int step = 0; step < 4; step++) { // GradBench's hello: x = double(square(x)), 4 times
      double y = call("square", x);
      assertThat(y).isEqualTo(x * x);
      x = call("double", y);
      assertThat(x).isEqualTo(2 * y);
    }
    assertThat(x).isEqualTo(32768.0); // double(16384), GradBench's last message
    assertThat(call("double", -0.75)).isEqualTo(-1.5);
  }
}
