package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/**
 * An {@code order = 2} method whose class waits a round for another class's generated API (its
 * other method uses {@code SecondOrderCalleesAdjoint}): its callee {@link ImpliedAcrossRoundsCallee#g}
 * is generated in the first round, and must get {@code order = 2} from it then (red team P2: it
 * did not, and this class failed with "declare g with @Differentiable(order = 2)").
 */
final class ImpliedAcrossRounds {
  private ImpliedAcrossRounds() {}

  /** g(x) x = x² eˣ: second derivative eˣ (x² + 4x + 2). */
  @Differentiable(order = 2)
  static double m(double x) {
    return ImpliedAcrossRoundsCallee.g(x) * x;
  }

  /** x ∂mix/∂a (x, 2) = 4x cos x, through mix's generated gradient. */
  @Differentiable
  static double k(double x) {
    return x * SecondOrderCalleesAdjoint.mixGrad(x, 2.0).a();
  }
}
