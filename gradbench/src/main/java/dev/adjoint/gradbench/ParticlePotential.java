package dev.adjoint.gradbench;

import dev.adjoint.Differentiable;

/**
 * The electric potential of GradBench's {@code particle} eval at (x, y): charges 1 at (10, 10 − w)
 * and (10, 0), written as GradBench's {@code particle::accel} sums them (charge minus point, in
 * that order). {@code order = 2}: {@link Particle}'s differentiated trajectory calls its generated
 * gradient, and the descent over w differentiates through that (∂²p / ∂x ∂w is not zero).
 */
final class ParticlePotential {
  private ParticlePotential() {}

  @Differentiable(order = 2)
  static double p(double x, double y, double w) {
    double a = 0;
    a += 1 / Math.sqrt((10.0 - x) * (10.0 - x) + ((10.0 - w) - y) * ((10.0 - w) - y));
    a += 1 / Math.sqrt((10.0 - x) * (10.0 - x) + (0.0 - y) * (0.0 - y));
    return a;
  }
}
