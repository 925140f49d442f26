package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import java.util.Arrays;

/**
 * The mean log-loss of a logistic regression: weights {@code w} (the last one is the bias) on
 * rows {@code x} (flat row-major, {@code y.length} rows of {@code w.length - 1}: {@code double[][]}
 * is not differentiable yet) with 0/1 labels {@code y}; the data is {@code @NoDiff}.
 */
public final class LogisticRegression {
  private LogisticRegression() {}

  @Differentiable
  public static double loss(double[] w, @NoDiff double[] x, @NoDiff double[] y) {
    int d = w.length - 1;
    int n = y.length;
    double total = 0;
    for (int s = 0; s < n; s++) {
      double z = w[d];
      for (int j = 0; j < d; j++) {
        z += w[j] * x[s * d + j];
      }
      // log(1 + e^-z) and log(1 + e^z), written so that neither overflows.
      double softplusMinus = Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
      total += y[s] * softplusMinus + (1 - y[s]) * (softplusMinus + z);
    }
    return total / n;
  }

  /**
   * The value, with the gradient written into {@code g} (length {@code w.length}, overwritten).
   * The derivative of a sample's loss in z is sigmoid(z) - y, from the e^-|z| the value needs.
   */
  public static double valueAndGradient(double[] w, double[] x, double[] y, double[] g) {
    int d = w.length - 1;
    int n = y.length;
    Arrays.fill(g, 0.0);
    double total = 0;
    double bias = 0;
    for (int s = 0; s < n; s++) {
      int row = s * d;
      double z = w[d];
      for (int j = 0; j < d; j++) {
        z += w[j] * x[row + j];
      }
      double e = Math.exp(-Math.abs(z));
      double softplusMinus = Math.max(-z, 0) + Math.log1p(e);
      total += y[s] * softplusMinus + (1 - y[s]) * (softplusMinus + z);
      double sigmoid = (z >= 0 ? 1 : e) / (1 + e); // a select: the sign of z is unpredictable
      double dz = (sigmoid - y[s]) / n;
      for (int j = 0; j < d; j++) {
        g[j] += dz * x[row + j];
      }
      bias += dz;
    }
    g[d] = bias;
    return total / n;
  }
}
