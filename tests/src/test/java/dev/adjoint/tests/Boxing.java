package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.runtime.Ad;
import java.util.ArrayList;
import java.util.List;

/**
 * Detours that never become a double again: boxes, Strings and the bits of a double used for
 * logging, comparisons and counting, beside the differentiable arithmetic they do not touch.
 */
final class Boxing {
  private Boxing() {}

  /** What {@link #log} received since the last {@code clear()}. */
  static final List<String> logged = new ArrayList<>();

  static void log(Object o) {
    logged.add(String.valueOf(o));
  }

  /**
   * x^2 + 3x + floor(x) + (x > 1 ? 10 : 0) + the sign bit of x: a Double local, an Object, a
   * String and the bits of x, each only logged, compared or counted.
   */
  @Differentiable
  static double logged(double x) {
    Double d = x;
    Object o = x * 3;
    String s = "x=" + x;
    log(d);
    log(o);
    log(s + ", " + String.format("%.2f", x));
    long bits = Double.doubleToRawLongBits(x);
    double sign = bits < 0 ? 1 : 0;
    double step = d > 1 ? 10 : 0;
    return x * x + 3 * x + Math.floor(d) + step + sign + Ad.stopGradient((Double) o) * 0;
  }

  /** sum_i w_i x^2 where w_i > 1/2, with a box per trip: 2x sum of those w_i for x. */
  @Differentiable
  static double boxesInALoop(double x, double[] w) {
    double total = 0;
    for (int i = 0; i < w.length; i++) {
      Object boxed = w[i] * x;
      Double weight = w[i];
      log(boxed);
      if (weight > 0.5) {
        total += w[i] * x * x;
      }
    }
    return total;
  }
}
