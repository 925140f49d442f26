package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/**
 * Loops that only a return leaves ({@code while (true)}, {@code for (;;)}, {@code do ... while
 * (true)}), with no statement after them: the generated code compiled to "missing return
 * statement" (found writing GradBench's particle eval, an Euler integration that stops when the
 * particle crosses the axis).
 */
final class EndlessLoops {
  private EndlessLoops() {}

  /** Halves x until it is below 1, counting the steps: returns x · 2^-k · (1 + k). */
  @Differentiable
  static double halving(double x) {
    double y = x;
    int k = 0;
    while (true) {
      if (y < 1) {
        return y * (1 + k);
      }
      y = y * 0.5;
      k++;
    }
  }

  /** The same with for (;;) and a continue. */
  @Differentiable
  static double halvingFor(double x) {
    double y = x;
    int k = 0;
    for (;;) {
      if (y >= 1) {
        y = y * 0.5;
        k++;
        continue;
      }
      return y * (1 + k);
    }
  }

  /**
   * An endless loop inside an endless loop; the inner one is left by a break, the outer one only
   * by a return: s = Σ (steps of y·t) ...
   */
  @Differentiable
  static double nested(double x, double t) {
    double s = 0;
    double y = x;
    do {
      while (true) {
        s += y * t;
        y = y * 0.5;
        if (y < 2) {
          break;
        }
      }
      if (s > 10) {
        return s + Math.sin(y);
      }
      y = y + x;
    } while (true);
  }
}
