package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adjoint.Differentiable;
import java.util.Map;

/**
 * GradBench's {@code particle} eval (Pearlmutter and Siskind's other nested-AD benchmark): a unit
 * charge starts at (0, 8) with velocity (0.75, 0) in the field of {@link ParticlePotential}, whose
 * force is −∇p, by naive Euler steps of 0.1 until it crosses the x-axis (found by linear
 * interpolation); the control w is chosen by GradBench's gradient descent ({@code gd.hpp}) to
 * minimise the square of where it crosses. The trajectory is a {@code @Differentiable} method whose
 * loop calls p's generated gradient (or its JVPs), and the descent differentiates the trajectory:
 * nested AD, where the inner gradient's own derivative in w (p's mixed second derivatives)
 * matters. Variants as in {@link Saddle}: {@code rr} ({@code missRGrad}: reverse over {@code
 * pGrad}), {@code rf} ({@code missFGrad}: reverse over {@code pJvp}), {@code fr} and {@code ff}
 * (forward, {@code missRJvp} and {@code missFJvp}). Output: w, one number.
 */
final class Particle implements EvalModule {

  /** x(t_f)², the trajectory's forces by the reverse-mode gradient of p. */
  @Differentiable
  static double missR(double w) {
    double x = 0.0;
    double y = 8.0;
    double vx = 0.75;
    double vy = 0.0;
    double dt = 1e-1;
    while (true) {
      double ax = -ParticlePotentialAdjoint.pGrad(x, y, w).x();
      double ay = -ParticlePotentialAdjoint.pGrad(x, y, w).y();
      x += dt * vx;
      y += dt * vy;
      if (y <= 0) {
        double dtf = -y / vy;
        double xf = x + dtf * vx;
        return xf * xf;
      }
      vx += dt * ax;
      vy += dt * ay;
    }
  }

  /** {@link #missR} with the forces by forward mode: one pJvp per coordinate. */
  @Differentiable
  static double missF(double w) {
    double x = 0.0;
    double y = 8.0;
    double vx = 0.75;
    double vy = 0.0;
    double dt = 1e-1;
    while (true) {
      double ax = -ParticlePotentialAdjoint.pJvp(x, y, w, 1.0, 0.0, 0.0).tangent();
      double ay = -ParticlePotentialAdjoint.pJvp(x, y, w, 0.0, 1.0, 0.0).tangent();
      x += dt * vx;
      y += dt * vy;
      if (y <= 0) {
        double dtf = -y / vy;
        double xf = x + dtf * vx;
        return xf * xf;
      }
      vx += dt * ax;
      vy += dt * ay;
    }
  }

  /** The miss and its derivative in w by the variant's two modes. */
  static double value(String variant, double w) {
    return variant.charAt(1) == 'r' ? missR(w) : missF(w);
  }

  static double derivative(String variant, double w) {
    return switch (variant) {
      case "rr" -> ParticleAdjoint.missRGrad(w).w();
      case "rf" -> ParticleAdjoint.missFGrad(w).w();
      case "fr" -> ParticleAdjoint.missRJvp(w, 1.0).tangent();
      case "ff" -> ParticleAdjoint.missFJvp(w, 1.0).tangent();
      default -> throw new IllegalArgumentException("no variant " + variant);
    };
  }

  /** The control that {@link GradientDescent} finds from {@code w0}. */
  static double argmin(String variant, double w0) {
    return GradientDescent.argmin(new GradientDescent.Cost() {
      @Override
      public double value(double[] w) {
        return Particle.value(variant, w[0]);
      }

      @Override
      public void gradient(double[] w, double[] out) {
        out[0] = derivative(variant, w[0]);
      }
    }, new double[] {w0})[0];
  }

  @Override
  public String name() {
    return "particle";
  }

  @Override
  public Map<String, Function> functions() {
    return Map.of(
        "rr", input -> new Run("rr", input),
        "rf", input -> new Run("rf", input),
        "fr", input -> new Run("fr", input),
        "ff", input -> new Run("ff", input));
  }

  private static final class Run implements Evaluation {
    private final String variant;
    private final double w0;
    private double w;

    Run(String variant, JsonNode input) {
      this.variant = variant;
      JsonNode node = input.get("w");
      if (node == null || !node.isNumber()) {
        throw new IllegalArgumentException("input must have a number w");
      }
      w0 = node.asDouble();
    }

    @Override
    public void run() {
      w = argmin(variant, w0);
    }

    @Override
    public Object output() {
      return w;
    }
  }
}
