package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** eˣ x, without order = 2 of its own: {@link ImpliedAcrossRounds#m} gives it. */
final class ImpliedAcrossRoundsCallee {
  private ImpliedAcrossRoundsCallee() {}

  @Differentiable
  static double g(double x) {
    return Math.exp(x) * x;
  }
}
