package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** Callees of {@link DiscreteArraysAfterCalls} in a class of their own, so they are not written in. */
final class DiscreteArraysAfterCallsCallee {
  private DiscreteArraysAfterCallsCallee() {}

  /** Σ x[idx[i]]² x[i]. */
  @Differentiable(order = 2)
  static double isum(int[] idx, double[] x) {
    double s = 0;
    for (int i = 0; i < idx.length; i++) {
      s += x[idx[i]] * x[idx[i]] * x[i];
    }
    return s;
  }

  /** Σ (on[i] ? x[i]³ : x[i]²). */
  @Differentiable(order = 2)
  static double bsum(boolean[] on, double[] x) {
    double s = 0;
    for (int i = 0; i < on.length; i++) {
      s += on[i] ? x[i] * x[i] * x[i] : x[i] * x[i];
    }
    return s;
  }
}
