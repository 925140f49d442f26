package dev.adjoint.samples;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;
import java.io.PrintStream;

/**
 * A rule that deliberately differs from the true derivative: the identity going forward, and a
 * cotangent clipped to [-1, 1] going back (gradient clipping, as in the JAX docs).
 */
public final class GradientClipping {
  private GradientClipping() {}

  static final double LIMIT = 1.0;

  @CustomVjp
  static double clipGradient(double x) {
    return x;
  }

  @Fwd("clipGradient")
  static FwdResult<Double, Void> clipGradientFwd(double x) {
    return FwdResult.of(x, null);
  }

  @Bwd("clipGradient")
  static double clipGradientBwd(Void residuals, double g) {
    return Math.max(-LIMIT, Math.min(LIMIT, g));
  }

  /**
   * The loss {@code (x - 3)^2} with x passed through the clip: the cotangent reaching the clip,
   * {@code 2(x - 3)}, is clamped to [-1, 1] on its way back to x.
   */
  @Differentiable
  static double clippedLoss(double x) {
    double d = clipGradient(x) - 3;
    return d * d;
  }

  @Differentiable
  static double loss(double x) {
    double d = x - 3;
    return d * d;
  }

  static void print(PrintStream out) {
    Table table = new Table("Gradient clipping: identity forward, cotangent clipped to [-1, 1]",
        "x", "loss", "true gradient", "clipped gradient");
    for (double x : new double[] {0, 2.5, 3, 3.25, 10}) {
      table.row(x, loss(x), GradientClippingAdjoint.lossGrad(x).x(),
          GradientClippingAdjoint.clippedLossGrad(x).x());
    }
    table.print(out);
  }
}
