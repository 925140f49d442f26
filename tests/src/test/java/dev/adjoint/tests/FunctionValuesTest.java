package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/** {@code mFunction(...).value} calls the primal; its gradient goes through the rules. */
final class FunctionValuesTest {

  @Test
  void theFunctionsValueIsThePrimalsAndItsGradientsValueTheRules() {
    double[] x = {0.5, 1.5, 2.5};
    var f = FunctionValuesAdjoint.sumFunction(3);
    assertThat(f.value(x)).isEqualTo(FunctionValues.sum(x));
    double[] g = new double[3];
    double withRule = f.valueAndGradient(x, g);
    // The forward sweep runs the rule's @Fwd, whose value differs from the body's.
    assertThat(withRule).isEqualTo(FunctionValuesAdjoint.sumValueAndGrad(x).value());
    assertThat(withRule).isNotEqualTo(f.value(x));
    assertThat(withRule).isWithin(0.05).of(f.value(x));
    // d/dx [softplus(x) x] with the rule's values: softplusFwd(x) + x sigmoid(x).
    for (int i = 0; i < 3; i++) {
      double v = x[i];
      double fwd = v + Math.exp(-v) - 0.5 * Math.exp(-2 * v);
      assertThat(g[i]).isWithin(1e-12).of(fwd + v / (1 + Math.exp(-v)));
    }
  }
}
