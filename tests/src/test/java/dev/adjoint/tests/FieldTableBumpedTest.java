package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FieldTableBumped} against its closed form, x₂ (7x₀³ + 6x₁³). */
class FieldTableBumpedTest {

  private static void near(String what, double actual, double expected) {
    assertWithMessage(what).that(actual).isWithin(1e-12 * (1 + Math.abs(expected))).of(expected);
  }

  @Test
  void aTableAPlainHelperChangesAfterEachCallIsReadAsEachCallSawIt() {
    Random random = new Random(30);
    for (int trial = 0; trial < 20; trial++) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      double c = random.nextGaussian();
      double[] x = {a, b, c};
      double[] grad = {21 * a * a * c, 18 * b * b * c, 7 * a * a * a + 6 * b * b * b};
      double[] g = FieldTableBumpedAdjoint.fGrad(x).x();
      double[] v = FieldTableBumpedAdjoint.fValueAndGrad(x).grad().x();
      double[] p = FieldTableBumpedAdjoint.fVjp(x).pullback(1).x();
      for (int i = 0; i < 3; i++) {
        near("grad " + i, g[i], grad[i]);
        near("valueAndGrad " + i, v[i], grad[i]);
        near("pullback " + i, p[i], grad[i]);
      }
    }
  }
}
