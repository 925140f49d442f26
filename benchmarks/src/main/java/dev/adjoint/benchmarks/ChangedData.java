package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * A weighted sum of squares over data the caller owns, with and without a call that may write
 * into the data after its use: what keeping the reverse sweep away from such data costs.
 */
public final class ChangedData {
  private ChangedData() {}

  /** Sum over i of w[i] (x[i] - 1)^2. */
  @Differentiable
  public static double weighted(double[] x, @NoDiff double[] w) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double r = x[i] - 1;
      s += w[i] * r * r;
    }
    return s;
  }

  /** The same, then {@link #touch}{@code (w)}, which the processor must assume writes into w. */
  @Differentiable
  public static double weightedThenTouched(double[] x, @NoDiff double[] w) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double r = x[i] - 1;
      s += w[i] * r * r;
    }
    touch(w);
    return s;
  }

  /**
   * The same, with {@link #touch}{@code (w)} on every trip: each weight read is recorded instead
   * (a copy of w per trip would cost its length).
   */
  @Differentiable
  public static double weightedTouchedEachTrip(double[] x, @NoDiff double[] w) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double r = x[i] - 1;
      s += w[i] * r * r;
      touch(w);
    }
    return s;
  }

  /** Writes w[0] back as it was: a call that writes into the array, at no cost of its own. */
  public static void touch(double[] w) {
    if (w.length > 0) {
      w[0] = w[0] * 1.0;
    }
  }
}
