package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Second order through callees' own products where their bodies are not written in. */
final class SecondOrderThroughProductsTest {
  @Test
  void aRowArgumentGoesThroughTheCalleesProducts() {
    double[][] m = {{1, -2, 0.5}, {3, 0.25, -1}};
    double[][] h = SecondOrderThroughProductsAdjoint.rowsHessian(m);
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        double v = m[i / 3][i % 3];
        double closed = i == j ? 6 * v * (i / 3 + 1) : 0;
        assertWithMessage("H[%s][%s]", i, j).that(h[i][j]).isWithin(1e-13).of(closed);
      }
    }
    GradCheck.defaults().assertHvp(SecondOrderThroughProductsAdjoint.rowsFunction(
        new double[2][3]), 0.3, -1.1, 2, 0.7, 1.5, -0.4);
  }

  @Test
  void aRecursiveCalleeGoesThroughItsOwnProducts() {
    Random random = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      double x = random.nextGaussian();
      double y = Math.pow(x, 4);
      // d²/dx² sin(x⁴) = -sin(x⁴)·16x⁶ + cos(x⁴)·12x²
      double closed = -Math.sin(y) * 16 * Math.pow(x, 6) + Math.cos(y) * 12 * x * x;
      assertWithMessage("x = %s", x)
          .that(SecondOrderThroughProductsAdjoint.recursiveHessian(x)[0][0])
          .isWithin(1e-12 * (1 + Math.abs(closed))).of(closed);
      assertWithMessage("x = %s", x)
          .that(SecondOrderThroughProductsAdjoint.powerHessian(x, 4)[0][0])
          .isWithin(1e-12 * (1 + 12 * x * x)).of(12 * x * x);
    }
  }
}
