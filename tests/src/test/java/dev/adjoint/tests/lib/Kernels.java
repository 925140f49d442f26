package dev.adjoint.tests.lib;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/** Differentiable building blocks in another package, called from {@code dev.adjoint.tests}. */
public final class Kernels {
  private Kernels() {}

  @Differentiable
  public static double gaussian(double x, double width) {
    return Math.exp(-(x * x) / (2 * width * width));
  }

  /** {@code k} is a constant for AD even though it is a double. */
  @Differentiable
  public static double scaled(double x, @NoDiff double k) {
    return k * x * x + Math.sin(k);
  }

  @Differentiable
  public static double polynomial(double x, int n) {
    return n * x * x * x + (n - 1) * x;
  }
}
