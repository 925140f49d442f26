package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import java.util.Arrays;

/**
 * A dense layer with tanh and a squared loss: 0.5 sum (tanh(W x_s + bias) - y_s)^2 / batch over a
 * batch of inputs x_s. The weights {@code w} are the differentiable array, {@code out} rows of
 * {@code in}; the bias, inputs ({@code batch} rows of {@code in}) and targets ({@code batch} rows
 * of {@code out}) are data. Twice: on flat row-major {@code double[]} matrices (the benchmarks
 * were first written when {@code double[][]} was not differentiable), and on {@code double[][]}.
 */
public final class DenseLayer {
  private DenseLayer() {}

  @Differentiable
  public static double loss(
      double[] w, @NoDiff double[] bias, @NoDiff double[] x, @NoDiff double[] y) {
    int out = bias.length;
    int in = w.length / out;
    int batch = y.length / out;
    double total = 0;
    for (int s = 0; s < batch; s++) {
      for (int o = 0; o < out; o++) {
        double z = bias[o];
        for (int i = 0; i < in; i++) {
          z += w[o * in + i] * x[s * in + i];
        }
        double r = Math.tanh(z) - y[s * out + o];
        total += r * r;
      }
    }
    return 0.5 * total / batch;
  }

  /**
   * The value, with the gradient written into {@code g} (length {@code w.length}, overwritten):
   * the same loops as the loss, each output's residual times tanh' scattered over its weight row.
   */
  public static double valueAndGradient(
      double[] w, double[] bias, double[] x, double[] y, double[] g) {
    int out = bias.length;
    int in = w.length / out;
    int batch = y.length / out;
    Arrays.fill(g, 0.0);
    double total = 0;
    for (int s = 0; s < batch; s++) {
      int xRow = s * in;
      for (int o = 0; o < out; o++) {
        int wRow = o * in;
        double z = bias[o];
        for (int i = 0; i < in; i++) {
          z += w[wRow + i] * x[xRow + i];
        }
        double t = Math.tanh(z);
        double r = t - y[s * out + o];
        total += r * r;
        double dz = r * (1 - t * t) / batch;
        for (int i = 0; i < in; i++) {
          g[wRow + i] += dz * x[xRow + i];
        }
      }
    }
    return 0.5 * total / batch;
  }

  /** {@link #loss} on {@code double[][]}: w is out x in, x is batch x in, y is batch x out. */
  @Differentiable
  public static double matrixLoss(
      double[][] w, @NoDiff double[] bias, @NoDiff double[][] x, @NoDiff double[][] y) {
    int out = w.length;
    int in = w[0].length;
    int batch = x.length;
    double total = 0;
    for (int s = 0; s < batch; s++) {
      for (int o = 0; o < out; o++) {
        double z = bias[o];
        for (int i = 0; i < in; i++) {
          z += w[o][i] * x[s][i];
        }
        double r = Math.tanh(z) - y[s][o];
        total += r * r;
      }
    }
    return 0.5 * total / batch;
  }

  /** {@link #valueAndGradient} on {@code double[][]} matrices; g has w's shape. */
  public static double matrixValueAndGradient(
      double[][] w, double[] bias, double[][] x, double[][] y, double[][] g) {
    int out = w.length;
    int in = w[0].length;
    int batch = x.length;
    for (double[] row : g) {
      Arrays.fill(row, 0.0);
    }
    double total = 0;
    for (int s = 0; s < batch; s++) {
      double[] xs = x[s];
      for (int o = 0; o < out; o++) {
        double[] wo = w[o];
        double z = bias[o];
        for (int i = 0; i < in; i++) {
          z += wo[i] * xs[i];
        }
        double t = Math.tanh(z);
        double r = t - y[s][o];
        total += r * r;
        double dz = r * (1 - t * t) / batch;
        double[] go = g[o];
        for (int i = 0; i < in; i++) {
          go[i] += dz * xs[i];
        }
      }
    }
    return 0.5 * total / batch;
  }
}
