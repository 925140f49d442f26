package dev.adjoint.samples;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;
import java.io.PrintStream;

/**
 * Implicit differentiation of an iterative solver. {@code sqrt(a)} is found by Newton's iteration
 * for x^2 = a, a fixed point of g(x, a) = (x + a / x) / 2. Differentiating through the iterations
 * would replay them all; the custom rule instead uses the fixed-point condition: at the root
 * r = g(r, a), dr/da = (dg/da) / (1 - dg/dx), and the @Bwd solves that adjoint equation with the
 * converged r alone, whatever the number of iterations. Here dg/dx = (1 - a / x^2) / 2 vanishes at the
 * root and dg/da = 1 / (2 x), which gives 1 / (2 sqrt(a)). The table also shows the gradient
 * derived through the iterations ({@code FromBody}), which replays every Newton step backwards.
 */
public final class ImplicitSqrt {
  private ImplicitSqrt() {}

  static final double[] POINTS = {0.25, 2, 9, 1e6};

  /** Newton's iteration from x = max(a, 1) until it stops moving. */
  @CustomVjp
  static double newtonSqrt(double a) {
    double x = Math.max(a, 1);
    for (int i = 0; i < 100; i++) {
      double next = 0.5 * (x + a / x);
      if (next == x) {
        break;
      }
      x = next;
    }
    return x;
  }

  /** What the backward pass needs: the converged root and the input. */
  record Solution(double root, double a) {}

  @Fwd("newtonSqrt")
  static FwdResult<Double, Solution> newtonSqrtFwd(double a) {
    double x = newtonSqrt(a);
    return FwdResult.of(x, new Solution(x, a));
  }

  /** The adjoint of the fixed point: a_bar = x_bar (dg/da) / (1 - dg/dx), at the root. */
  @Bwd("newtonSqrt")
  static double newtonSqrtBwd(Solution s, double g) {
    double x = s.root();
    double dgdx = 0.5 * (1 - s.a() / (x * x));
    double dgda = 0.5 / x;
    return g * dgda / (1 - dgdx);
  }

  /** A loss through the solver: the derivative flows through the custom rule. */
  @Differentiable
  static double hypotenuse(double a, double b) {
    return newtonSqrt(a * a + b * b);
  }

  static void print(PrintStream out) {
    Table table = new Table(
        "Implicit differentiation: Newton's sqrt, derivative from the fixed point",
        "a", "newtonSqrt(a)", "rule gradient", "through the iterations", "1 / (2 sqrt a)");
    for (double a : POINTS) {
      table.row(a, newtonSqrt(a), ImplicitSqrtAdjoint.newtonSqrtGrad(a).a(),
          ImplicitSqrtAdjoint.FromBody.newtonSqrtGrad(a).a(), 0.5 / Math.sqrt(a));
    }
    table.print(out);
    ImplicitSqrtAdjoint.HypotenuseGrad g = ImplicitSqrtAdjoint.hypotenuseGrad(3, 4);
    out.printf("d/da, d/db of sqrt(a^2 + b^2) at (3, 4): %s, %s (3/5 and 4/5)%n%n",
        g.a(), g.b());
  }
}
