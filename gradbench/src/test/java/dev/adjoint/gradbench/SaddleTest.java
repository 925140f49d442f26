package dev.adjoint.gradbench;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@code saddle} eval: the nested gradients in all four compositions against the closed form,
 * and the outputs against GradBench's.
 */
final class SaddleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The inner maximum's iterates depend on p2 only (∂f/∂p2 = −2 p2), so the computed max over p2
   * is x1² + y1² minus a constant, and its gradient in p1 is exactly (2 x1, 2 y1) in every
   * composition; the inner gradients' derivatives (f's mixed Hessian, zero here) must add nothing.
   */
  @Test
  void theOuterGradientIsTwiceThePointInEveryComposition() {
    Random random = new Random(31);
    for (int k = 0; k < 20; k++) {
      double a = random.nextDouble() * 4 - 2;
      double b = random.nextDouble() * 4 - 2;
      double s0 = random.nextDouble() * 2 - 1;
      double s1 = random.nextDouble() * 2 - 1;
      for (String variant : new String[] {"rr", "rf", "fr", "ff"}) {
        double[] g = new double[2];
        Saddle.outer(variant, s0, s1).gradient(new double[] {a, b}, g);
        assertWithMessage("%s at (%s, %s)", variant, a, b).that(g[0]).isWithin(1e-12).of(2 * a);
        assertWithMessage("%s at (%s, %s)", variant, a, b).that(g[1]).isWithin(1e-12).of(2 * b);
      }
      // and the value is that of the plain Java loop's maximum, f at its argmax
      assertThat(Saddle.innerMaxR(a, b, s0, s1))
          .isWithin(1e-12 * (1 + Math.abs(a * a + b * b))).of(Saddle.innerMaxF(a, b, s0, s1));
    }
  }

  /**
   * GradBench's eval expects 8.246324826140356e-06 for all four numbers (from its C++ reference
   * with the same descent), within its tolerance of 1e-4; the four compositions agree.
   */
  @Test
  void theSaddlePointIsGradBenchsInEveryVariant() throws Exception {
    double[] rr = null;
    for (String variant : new String[] {"rr", "rf", "fr", "ff"}) {
      EvalModule.Evaluation run = new Saddle().functions().get(variant)
          .prepare(JSON.readTree("{\"start\": [1.0, 1.0]}"));
      run.run();
      double[] out = (double[]) run.output();
      assertThat(out).hasLength(4);
      for (double v : out) {
        assertWithMessage(variant).that(v).isWithin(1e-4).of(8.246324826140356e-06);
      }
      if (rr == null) {
        rr = out;
      } else {
        assertThat(out).usingTolerance(1e-12).containsExactly(rr).inOrder();
      }
    }
  }
}
