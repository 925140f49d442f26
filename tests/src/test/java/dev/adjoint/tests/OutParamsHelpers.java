package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** A helper with an out-parameter in a class of its own, called from {@link OutParams}. */
final class OutParamsHelpers {
  private OutParamsHelpers() {}

  /** {@code out = a * x}. */
  @Differentiable
  static void scaleInto(double a, double[] x, double[] out) {
    for (int i = 0; i < x.length; i++) {
      out[i] = a * x[i];
    }
  }
}
