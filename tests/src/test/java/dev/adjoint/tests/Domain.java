package dev.adjoint.tests;

import java.util.Random;
import java.util.function.Predicate;

/**
 * Where a subject's random test points come from: a box or an annulus, minus the neighbourhoods of
 * kinks and branch boundaries, so central differences never straddle one.
 */
@FunctionalInterface
interface Domain {

  /**
   * How far every sample stays from a kink or branch boundary: far beyond both GradCheck steps
   * (1e-6 for the full gradient, 1e-4 along the dot-product test's unit direction).
   */
  double MARGIN = 0.02;

  double[] sample(Random random);

  /** Uniform on the box [lo0, hi0] × [lo1, hi1] × ...; {@code bounds} holds lo, hi pairs. */
  static Domain box(double... bounds) {
    if (bounds.length % 2 != 0) {
      throw new IllegalArgumentException("bounds must come in lo, hi pairs");
    }
    double[] b = bounds.clone();
    return random -> {
      double[] p = new double[b.length / 2];
      for (int i = 0; i < p.length; i++) {
        p[i] = b[2 * i] + (b[2 * i + 1] - b[2 * i]) * random.nextDouble();
      }
      return p;
    };
  }

  /**
   * Uniform in angle on an annulus around the origin, radius in [rMin, rMax], angle kept {@code
   * angleMargin} away from the negative x-axis where atan2 jumps.
   */
  static Domain annulus(double rMin, double rMax, double angleMargin) {
    return random -> {
      double r = rMin + (rMax - rMin) * random.nextDouble();
      double theta = -Math.PI + angleMargin + (2 * Math.PI - 2 * angleMargin) * random.nextDouble();
      return new double[] {r * Math.cos(theta), r * Math.sin(theta)};
    };
  }

  /** The same distribution conditioned on {@code accept} (by rejection). */
  default Domain where(Predicate<double[]> accept) {
    return random -> {
      for (int attempt = 0; attempt < 100_000; attempt++) {
        double[] p = sample(random);
        if (accept.test(p)) {
          return p;
        }
      }
      throw new IllegalStateException("the domain's condition rejects almost every point");
    };
  }

  /** Whether a and b are at least {@link #MARGIN} apart. */
  static boolean apart(double a, double b) {
    return Math.abs(a - b) >= MARGIN;
  }

  /** Whether x is at least {@link #MARGIN} away from every integer multiple of {@code step}. */
  static boolean offGrid(double x, double step) {
    return Math.abs(x - step * Math.rint(x / step)) >= MARGIN;
  }
}
