package dev.adjoint.benchmarks;

import java.util.Arrays;
import java.util.Random;

/** Seeded inputs of the workloads: the benchmarks and the tests draw the same ones. */
public final class Inputs {
  private Inputs() {}

  public static final int LOGISTIC_SAMPLES = 1000;
  public static final int LOGISTIC_FEATURES = 100;
  public static final int CHAIN_STEPS = 1000;
  public static final int DENSE_BATCH = 64;
  public static final int DENSE_IN = 256;
  public static final int DENSE_OUT = 256;
  public static final int PATHS = 10_000;
  public static final int NETWORK_SAMPLES = 64;
  public static final int NETWORK_INPUTS = 16;
  public static final int NETWORK_HIDDEN = 32;
  public static final int NETWORK_CLASSES = 4;

  /** A Rosenbrock point: uniform in [-2, 2]. */
  public static double[] rosenbrockPoint(int n, long seed) {
    Random random = new Random(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 4 * random.nextDouble() - 2;
    }
    return x;
  }

  /** A logistic-regression data set: rows, labels drawn through a logistic link, and weights. */
  public record Logistic(double[] w, double[] x, double[] y) {
    public static Logistic draw(long seed) {
      Random random = new Random(seed);
      int d = LOGISTIC_FEATURES;
      double[] truth = gaussians(random, d, 1 / Math.sqrt(d));
      double[] x = gaussians(random, LOGISTIC_SAMPLES * d, 1);
      double[] y = new double[LOGISTIC_SAMPLES];
      for (int s = 0; s < LOGISTIC_SAMPLES; s++) {
        double z = 0.5;
        for (int j = 0; j < d; j++) {
          z += truth[j] * x[s * d + j];
        }
        y[s] = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      }
      return new Logistic(gaussians(random, d + 1, 0.1), x, y);
    }
  }

  /** A scalar chain's starting point x and its coefficients a and b. */
  public record Chain(double x, double a, double b) {
    public static Chain draw(long seed) {
      Random random = new Random(seed);
      return new Chain(
          2 * random.nextDouble() - 1, 0.5 + 0.5 * random.nextDouble(), random.nextDouble() - 0.5);
    }
  }

  /** A dense layer's weights, bias, inputs and targets (targets in (-1, 1), like tanh). */
  public record Dense(double[] w, double[] bias, double[] x, double[] y) {
    public static Dense draw(long seed) {
      Random random = new Random(seed);
      double[] w = gaussians(random, DENSE_OUT * DENSE_IN, 1 / Math.sqrt(DENSE_IN));
      double[] bias = gaussians(random, DENSE_OUT, 0.1);
      double[] x = gaussians(random, DENSE_BATCH * DENSE_IN, 1);
      double[] y = new double[DENSE_BATCH * DENSE_OUT];
      for (int k = 0; k < y.length; k++) {
        y[k] = 2 * random.nextDouble() - 1;
      }
      return new Dense(w, bias, x, y);
    }

    /** The same weights as {@code double[][]}: out rows of in. */
    public double[][] wMatrix() {
      return rows(w, DENSE_IN);
    }

    /** The same inputs as {@code double[][]}: batch rows of in. */
    public double[][] xMatrix() {
      return rows(x, DENSE_IN);
    }

    /** The same targets as {@code double[][]}: batch rows of out. */
    public double[][] yMatrix() {
      return rows(y, DENSE_OUT);
    }
  }

  /** A flat row-major matrix as rows of {@code columns}. */
  static double[][] rows(double[] flat, int columns) {
    double[][] matrix = new double[flat.length / columns][];
    for (int r = 0; r < matrix.length; r++) {
      matrix[r] = Arrays.copyOfRange(flat, r * columns, (r + 1) * columns);
    }
    return matrix;
  }

  /**
   * A two-layer network's parameters (Gaussian weights of deviation 1 / sqrt(fan-in), biases of
   * 0.1), its inputs (standard normal) and labels (uniform over the classes).
   */
  public record Network(
      double[][] w1, double[] b1, double[][] w2, double[] b2, double[][] xs, int[] labels) {
    public static Network draw(long seed) {
      Random random = new Random(seed);
      double[][] w1 = rows(gaussians(random, NETWORK_HIDDEN * NETWORK_INPUTS,
          1 / Math.sqrt(NETWORK_INPUTS)), NETWORK_INPUTS);
      double[] b1 = gaussians(random, NETWORK_HIDDEN, 0.1);
      double[][] w2 = rows(gaussians(random, NETWORK_CLASSES * NETWORK_HIDDEN,
          1 / Math.sqrt(NETWORK_HIDDEN)), NETWORK_HIDDEN);
      double[] b2 = gaussians(random, NETWORK_CLASSES, 0.1);
      double[][] xs =
          rows(gaussians(random, NETWORK_SAMPLES * NETWORK_INPUTS, 1), NETWORK_INPUTS);
      int[] labels = new int[NETWORK_SAMPLES];
      for (int s = 0; s < labels.length; s++) {
        labels[s] = random.nextInt(NETWORK_CLASSES);
      }
      return new Network(w1, b1, w2, b2, xs, labels);
    }
  }

  /** A European call's market (spot, vol, rate, maturity, strike) and its paths' normals. */
  public record Call(
      double spot, double vol, double rate, double maturity, double strike, double[] normals) {
    public static Call draw(long seed) {
      Random random = new Random(seed);
      return new Call(
          90 + 20 * random.nextDouble(),
          0.1 + 0.3 * random.nextDouble(),
          0.01 + 0.04 * random.nextDouble(),
          0.5 + 1.5 * random.nextDouble(),
          100,
          gaussians(random, PATHS, 1));
    }
  }

  static double[] gaussians(Random random, int n, double scale) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = scale * random.nextGaussian();
    }
    return values;
  }
}
