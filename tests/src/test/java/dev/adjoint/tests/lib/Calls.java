package dev.adjoint.tests.lib;

import dev.adjoint.Differentiable;

/**
 * Shares its simple name with {@code dev.adjoint.tests.Calls}: code generated for a caller of both
 * must keep the two {@code CallsAdjoint} classes apart.
 */
public final class Calls {
  private Calls() {}

  @Differentiable
  public static double square(double x) {
    return x * x;
  }
}
