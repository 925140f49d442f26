package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.Arrays;

/**
 * A gradient ({@code mGrad}, {@code mValueAndGrad}, the workspace, {@code mFunction}: a seed of
 * 1) and a Vjp's pullback run their sums in different orders since stop 33: a gradient's last
 * loop may run each reverse trip inside its forward trip (the processor's {@code SweepFusion}),
 * and its contributions to one element may be summed before they are added. The two agree to
 * rounding, not bit for bit; the gradient's forms agree with each other bit for bit, and so do a
 * Vjp's pullbacks.
 */
final class Rounding {
  private Rounding() {}

  /** Entry by entry within 1e-12 of the larger magnitude (1e-12 near 0), NaN matching NaN. */
  static void assertSameToRounding(String message, double[] actual, double[] expected) {
    assertWithMessage("%s: length", message).that(actual.length).isEqualTo(expected.length);
    for (int j = 0; j < expected.length; j++) {
      double a = actual[j];
      double e = expected[j];
      boolean same = a == e || (Double.isNaN(a) && Double.isNaN(e))
          || Math.abs(a - e) <= 1e-12 * Math.max(1, Math.max(Math.abs(a), Math.abs(e)));
      assertWithMessage("%s: entry %s is %s, expected %s to rounding (all: %s vs %s)", message, j,
          a, e, Arrays.toString(actual), Arrays.toString(expected)).that(same).isTrue();
    }
  }

  static void assertSameToRounding(double[] actual, double[] expected) {
    assertSameToRounding("a Vjp's pullback against the gradient", actual, expected);
  }
}
