package dev.adjoint.gradbench;

import dev.adjoint.Differentiable;

/**
 * The function whose saddle point GradBench's {@code saddle} eval finds: f(x1, y1, x2, y2) =
 * (x1² + y1²) − (x2² + y2²), with p1 = (x1, y1) the point minimised over and p2 = (x2, y2) the
 * point maximised over (the argument order of GradBench's {@code saddle::objective}). It is
 * {@code order = 2} so that {@link Saddle}'s differentiated inner maximisation may call its
 * generated gradient and JVP (a class of its own: a class's own generated API cannot be called
 * from its bodies).
 */
final class SaddleObjective {
  private SaddleObjective() {}

  @Differentiable(order = 2)
  static double f(double x1, double y1, double x2, double y2) {
    return (x1 * x1 + y1 * y1) - (x2 * x2 + y2 * y2);
  }
}
