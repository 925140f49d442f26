package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import org.junit.jupiter.api.Test;

/** {@link EndlessLoops}: closed forms, and both modes against central differences. */
final class EndlessLoopsTest {

  @Test
  void halvingHasTheClosedFormDerivative() {
    for (double x : new double[] {0.5, 1.5, 3.0, 7.0, 100.0}) {
      int k = 0;
      double y = x;
      while (y >= 1) {
        y *= 0.5;
        k++;
      }
      double expected = Math.pow(0.5, k) * (1 + k);
      assertThat(EndlessLoopsAdjoint.halvingGrad(x).x()).isEqualTo(expected);
      assertThat(EndlessLoopsAdjoint.halvingJvp(x, 1.0).tangent()).isEqualTo(expected);
      assertThat(EndlessLoopsAdjoint.halvingForGrad(x).x()).isEqualTo(expected);
      assertThat(EndlessLoopsAdjoint.halvingForJvp(x, 1.0).tangent()).isEqualTo(expected);
      assertThat(EndlessLoopsAdjoint.halvingValueAndGrad(x).value())
          .isEqualTo(EndlessLoops.halving(x));
    }
  }

  @Test
  void nestedEndlessLoopsAgreeWithDifferences() {
    for (double x : new double[] {2.7, 5.3, 9.1}) {
      for (double t : new double[] {0.7, 1.3}) {
        double h = 1e-6;
        double dx = (EndlessLoops.nested(x + h, t) - EndlessLoops.nested(x - h, t)) / (2 * h);
        double dt = (EndlessLoops.nested(x, t + h) - EndlessLoops.nested(x, t - h)) / (2 * h);
        EndlessLoopsAdjoint.NestedGrad g = EndlessLoopsAdjoint.nestedGrad(x, t);
        assertWithMessage("d/dx at (%s, %s)", x, t).that(g.x()).isWithin(1e-6 * (1 + Math.abs(dx)))
            .of(dx);
        assertWithMessage("d/dt at (%s, %s)", x, t).that(g.t()).isWithin(1e-6 * (1 + Math.abs(dt)))
            .of(dt);
        assertThat(EndlessLoopsAdjoint.nestedJvp(x, t, 1.0, 0.0).tangent())
            .isWithin(1e-12 * (1 + Math.abs(dx))).of(g.x());
        assertThat(EndlessLoopsAdjoint.nestedJvp(x, t, 0.0, 1.0).tangent())
            .isWithin(1e-12 * (1 + Math.abs(dt))).of(g.t());
      }
    }
  }
}
