package dev.adjoint.spark.samples;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.spark.BlockObjective;
import dev.adjoint.spark.BlockObjectiveFactory;

/**
 * Logistic regression as MLlib fits it with {@code setStandardization(false)} and elastic-net 0:
 * the mean log-loss plus regParam/2·‖w‖² over the coefficients, the intercept (the last
 * parameter) unpenalised.
 */
public final class Logistic {
  private Logistic() {}

  /**
   * The log-loss summed over a block of rows {@code x} with labels {@code y} in {0, 1}; {@code w}
   * holds one coefficient per feature, then the intercept.
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
      // log(1 + e^-z) when y = 1, log(1 + e^z) when y = 0, written so that neither overflows.
      double softplusMinus = Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
      total += softplusMinus + (1 - y[i]) * z;
    }
    return total;
  }

  /** regParam/2·‖w‖² over the coefficients; the intercept, last, is not penalised. */
  @Differentiable
  public static double ridge(double[] w, @NoDiff double regParam) {
    double sum = 0;
    for (int j = 0; j < w.length - 1; j++) {
      sum += w[j] * w[j];
    }
    return 0.5 * regParam * sum;
  }

  /**
   * The block loss for Spark: one generated workspace per task, reused for its blocks. The
   * factory is a method reference, serialised as its name.
   */
  public static BlockObjectiveFactory objective() {
    return Logistic::newObjective;
  }

  private static BlockObjective newObjective() {
    LogisticAdjoint.BlockLossWorkspace workspace = LogisticAdjoint.blockLossWorkspace();
    return (w, x, y, gradientOut) -> {
      double value = workspace.valueAndGrad(w, x, y);
      System.arraycopy(workspace.w(), 0, gradientOut, 0, gradientOut.length);
      return value;
    };
  }

  /** The penalty over {@code dimension} parameters, for {@code DistributedObjective.meanPlus}. */
  public static DifferentiableFunction penalty(int dimension, double regParam) {
    return LogisticAdjoint.ridgeFunction(new double[dimension], regParam);
  }
}
