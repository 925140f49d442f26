package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.FwdResult;
import java.util.Random;

/**
 * Per-example losses for {@code Batch} (JAX's {@code vmap(grad(f))}): a logistic loss through a
 * custom rule, and a Monte Carlo estimate that makes its generator inside from a seed.
 */
final class Batches {
  private Batches() {}

  /** log(1 + e^z), stable, by a custom rule. */
  @CustomVjp
  static double softplus(double z) {
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }

  @Fwd("softplus")
  static FwdResult<Double, Double> softplusFwd(double z) {
    return FwdResult.of(softplus(z), z);
  }

  @Bwd("softplus")
  static double softplusBwd(Double z, double g) {
    return g / (1 + Math.exp(-z));
  }

  /** One example's logistic loss: softplus(-y w.x) + lambda/2 |w|^2, y in {-1, 1}. */
  @Differentiable
  static double exampleLoss(double[] w, @NoDiff double[] x, double y, double lambda) {
    double z = 0;
    double norm = 0;
    for (int i = 0; i < w.length; i++) {
      z += w[i] * x[i];
      norm += w[i] * w[i];
    }
    return softplus(-y * z) + 0.5 * lambda * norm;
  }

  /** A discounted call payoff averaged over paths of a generator made from {@code seed}. */
  @Differentiable
  static double price(double spot, double vol, long seed, int paths) {
    Random rnd = new Random(seed);
    double sum = 0;
    for (int i = 0; i < paths; i++) {
      double st = spot * Math.exp(-0.5 * vol * vol + vol * rnd.nextGaussian());
      sum += Math.max(st - 1.0, 0);
    }
    return sum / paths;
  }
}
