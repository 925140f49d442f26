package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import java.io.PrintStream;
import java.util.Random;

/**
 * Logistic regression on a seeded synthetic data set (1 000 samples x 20 features), fitted by
 * gradient descent with the generated gradient of the mean log-loss. The data is a flat row-major
 * {@code double[]}, {@code @NoDiff}: it gets no cotangent array.
 */
public final class LogisticRegression {
  private LogisticRegression() {}

  static final int SAMPLES = 1000;
  static final int FEATURES = 20;
  static final int STEPS = 200;
  static final double RATE = 0.5;

  /** The mean log-loss of weights w (the last one is the bias) on rows x with labels y. */
  @Differentiable
  static double loss(double[] w, @NoDiff double[] x, @NoDiff double[] y) {
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

  /** A data set whose labels come from hidden weights through a noisy logistic link. */
  record Data(double[] x, double[] y) {
    static Data synthetic(long seed) {
      Random random = new Random(seed);
      double[] truth = new double[FEATURES];
      for (int j = 0; j < FEATURES; j++) {
        truth[j] = random.nextGaussian();
      }
      double[] x = new double[SAMPLES * FEATURES];
      double[] y = new double[SAMPLES];
      for (int s = 0; s < SAMPLES; s++) {
        double z = 0.5;
        for (int j = 0; j < FEATURES; j++) {
          x[s * FEATURES + j] = random.nextGaussian();
          z += truth[j] * x[s * FEATURES + j];
        }
        y[s] = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      }
      return new Data(x, y);
    }
  }

  /** The fraction of samples whose predicted class matches the label. */
  static double accuracy(double[] w, Data data) {
    int correct = 0;
    for (int s = 0; s < SAMPLES; s++) {
      double z = w[FEATURES];
      for (int j = 0; j < FEATURES; j++) {
        z += w[j] * data.x()[s * FEATURES + j];
      }
      correct += (z > 0) == (data.y()[s] == 1) ? 1 : 0;
    }
    return correct / (double) SAMPLES;
  }

  /** Gradient descent from zero weights; the loss after each step. */
  static double[] fit(Data data, double[] w) {
    double[] losses = new double[STEPS + 1];
    for (int step = 0; step < STEPS; step++) {
      LogisticRegressionAdjoint.LossValueAndGrad vg =
          LogisticRegressionAdjoint.lossValueAndGrad(w, data.x(), data.y());
      losses[step] = vg.value();
      double[] g = vg.grad().w();
      for (int j = 0; j < w.length; j++) {
        w[j] -= RATE * g[j];
      }
    }
    losses[STEPS] = loss(w, data.x(), data.y());
    return losses;
  }

  static void print(PrintStream out) {
    Data data = Data.synthetic(2024);
    double[] w = new double[FEATURES + 1];
    double[] losses = fit(data, w);
    Table table = new Table("Logistic regression, 1 000 x 20, gradient descent (rate 0.5)",
        "step", "mean log-loss");
    for (int step : new int[] {0, 1, 5, 20, 50, 100, STEPS}) {
      table.row(step, losses[step]);
    }
    table.print(out);
    out.printf("accuracy after %d steps: %.3f%n%n", STEPS, accuracy(w, data));
  }
}
