package dev.adjoint.spark.samples;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.spark.BlockObjective;
import dev.adjoint.spark.BlockObjectiveFactory;

/**
 * Poisson regression with a softplus link, rate = log(1 + e^z) for z = w·x + b: a model MLlib's
 * {@code GeneralizedLinearRegression} does not have (its Poisson links are log, identity and sqrt).
 * The softplus rate grows linearly, not exponentially, in z, so one large feature cannot blow a
 * prediction up.
 */
public final class Poisson {
  private Poisson() {}

  /**
   * The Poisson negative log-likelihood summed over a block (without the log(y!) that does not
   * depend on w): rate − y·log(rate) per row; {@code w} holds one coefficient per feature, then the
   * intercept.
   */
  @Differentiable
  public static double blockLoss(double[] w, @NoDiff double[][] x, @NoDiff double[] y) {
    int d = w.length - 1;
    double total = 0;
    for (int i = 0; i < y.length; i++) {
      double[] row = x[i];
      double z = w[d];
      for (int j = 0; j < d; j++) {
        z += w[j] * row[j];
      }
      double rate = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
      total += rate - y[i] * Math.log(rate);
    }
    return total;
  }

  /** The block loss for Spark, one generated workspace per task. */
  public static BlockObjectiveFactory objective() {
    return Poisson::newObjective;
  }

  private static BlockObjective newObjective() {
    PoissonAdjoint.BlockLossWorkspace workspace = PoissonAdjoint.blockLossWorkspace();
    return (w, x, y, gradientOut) -> {
      double value = workspace.valueAndGrad(w, x, y);
      System.arraycopy(workspace.w(), 0, gradientOut, 0, gradientOut.length);
      return value;
    };
  }

  /** The same ridge penalty as the logistic model's, the intercept unpenalised. */
  public static DifferentiableFunction penalty(int dimension, double regParam) {
    return Logistic.penalty(dimension, regParam);
  }

  /** The softplus rate at z. */
  public static double rate(double z) {
    return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  }
}
