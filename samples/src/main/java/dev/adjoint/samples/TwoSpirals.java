package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import java.io.PrintStream;
import java.util.Random;

/**
 * A two-layer neural network (tanh hidden layer, softmax output) classifying the two interleaved
 * spirals, trained by full-batch gradient descent with momentum from the generated gradient. The
 * network is written per sample, as one would write it by hand: its weights in one record {@code
 * Params} (our pytrees: the gradient is a {@code Params} too), a helper for each layer that takes
 * the record and returns a fresh {@code double[]}, called with the sample's row {@code xs[s]} of
 * the {@code @NoDiff} data, and a numerically stable cross-entropy against the {@code int} label.
 * The generated workspace reuses the gradient's arrays from epoch to epoch.
 */
public final class TwoSpirals {
  private TwoSpirals() {}

  static final int POINTS_PER_CLASS = 100;
  static final int CLASSES = 2;
  static final int HIDDEN = 24;
  static final double TURNS = 1.5;
  static final double NOISE = 0.02;
  static final double DECAY = 1e-4;
  static final double RATE = 0.2;
  static final double MOMENTUM = 0.9;
  static final int EPOCHS = 1500;

  /** The hidden layer: tanh(w1 x + b1), a new array per call. */
  @Differentiable
  static double[] hidden(Params p, double[] x) {
    double[] h = new double[p.b1().length];
    for (int j = 0; j < h.length; j++) {
      double a = p.b1()[j];
      for (int i = 0; i < x.length; i++) {
        a += p.w1()[j][i] * x[i];
      }
      h[j] = Math.tanh(a);
    }
    return h;
  }

  /** The output layer's logits: w2 h + b2. */
  @Differentiable
  static double[] logits(Params p, double[] h) {
    double[] z = new double[p.b2().length];
    for (int k = 0; k < z.length; k++) {
      double a = p.b2()[k];
      for (int j = 0; j < h.length; j++) {
        a += p.w2()[k][j] * h[j];
      }
      z[k] = a;
    }
    return z;
  }

  /**
   * -log softmax(z)[label], as log-sum-exp(z) - z[label] with the largest logit subtracted before
   * exponentiating, so that no exp overflows.
   */
  @Differentiable
  static double crossEntropy(double[] z, int label) {
    double max = z[0];
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum) - z[label];
  }

  /** The sum of the squares of a matrix's entries. */
  @Differentiable
  static double squaredNorm(double[][] m) {
    double s = 0;
    for (double[] row : m) {
      for (double v : row) {
        s += v * v;
      }
    }
    return s;
  }

  /** The mean cross-entropy over the samples, plus a small L2 penalty on the weights. */
  @Differentiable
  static double loss(Params p, @NoDiff double[][] xs, int[] labels) {
    double total = 0;
    for (int s = 0; s < xs.length; s++) {
      double[] h = hidden(p, xs[s]);
      double[] z = logits(p, h);
      total += crossEntropy(z, labels[s]);
    }
    return total / xs.length + 0.5 * DECAY * (squaredNorm(p.w1()) + squaredNorm(p.w2()));
  }

  /** The two spirals: each class an arm of {@link #TURNS} turns, the second rotated by pi. */
  record Data(double[][] xs, int[] labels) {
    static Data spirals(long seed) {
      Random random = new Random(seed);
      int n = POINTS_PER_CLASS * CLASSES;
      double[][] xs = new double[n][2];
      int[] labels = new int[n];
      for (int c = 0; c < CLASSES; c++) {
        for (int i = 0; i < POINTS_PER_CLASS; i++) {
          double t = (i + 0.5) / POINTS_PER_CLASS;
          double r = 0.1 + 0.9 * t;
          double angle = 2 * Math.PI * TURNS * t + Math.PI * c;
          int s = c * POINTS_PER_CLASS + i;
          xs[s][0] = r * Math.cos(angle) + NOISE * random.nextGaussian();
          xs[s][1] = r * Math.sin(angle) + NOISE * random.nextGaussian();
          labels[s] = c;
        }
      }
      return new Data(xs, labels);
    }
  }

  /** The network's weights. */
  record Params(double[][] w1, double[] b1, double[][] w2, double[] b2) {
    /**
     * Zero biases and Gaussian weights: of deviation 3 in the first layer, so that its units
     * start with the spatial frequencies the spirals need, and 0.1 / sqrt(fan-in) in the second,
     * so that the network starts close to chance (loss near log 2).
     */
    static Params initial(long seed) {
      Random random = new Random(seed);
      double[][] w1 = new double[HIDDEN][2];
      double[][] w2 = new double[CLASSES][HIDDEN];
      for (double[] row : w1) {
        for (int i = 0; i < row.length; i++) {
          row[i] = 3.0 * random.nextGaussian();
        }
      }
      for (double[] row : w2) {
        for (int j = 0; j < row.length; j++) {
          row[j] = 0.1 * random.nextGaussian() / Math.sqrt(HIDDEN);
        }
      }
      return new Params(w1, new double[HIDDEN], w2, new double[CLASSES]);
    }
  }

  /** {@link #loss} of the parameters on the data (a plain overload of the annotated method). */
  static double loss(Params p, Data data) {
    return loss(p, data.xs(), data.labels());
  }

  /** The class with the larger logit. */
  static int predict(Params p, double[] x) {
    double[] z = logits(p, hidden(p, x));
    int best = 0;
    for (int k = 1; k < z.length; k++) {
      if (z[k] > z[best]) {
        best = k;
      }
    }
    return best;
  }

  /** The fraction of samples classified correctly. */
  static double accuracy(Params p, Data data) {
    int correct = 0;
    for (int s = 0; s < data.labels().length; s++) {
      correct += predict(p, data.xs()[s]) == data.labels()[s] ? 1 : 0;
    }
    return correct / (double) data.labels().length;
  }

  /** Gradient descent with momentum for {@link #EPOCHS} epochs; the loss before each epoch. */
  static double[] train(Params p, Data data) {
    double[] losses = new double[EPOCHS + 1];
    Params v = new Params(new double[HIDDEN][2], new double[HIDDEN],
        new double[CLASSES][HIDDEN], new double[CLASSES]);
    TwoSpiralsAdjoint.LossWorkspace workspace = TwoSpiralsAdjoint.lossWorkspace();
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      losses[epoch] = workspace.valueAndGrad(p, data.xs(), data.labels());
      Params g = workspace.p(); // the gradient, a Params around the workspace's buffers
      step(p.w1(), g.w1(), v.w1());
      step(p.b1(), g.b1(), v.b1());
      step(p.w2(), g.w2(), v.w2());
      step(p.b2(), g.b2(), v.b2());
    }
    losses[EPOCHS] = loss(p, data);
    return losses;
  }

  private static void step(double[] w, double[] g, double[] v) {
    for (int i = 0; i < w.length; i++) {
      v[i] = MOMENTUM * v[i] - RATE * g[i];
      w[i] += v[i];
    }
  }

  private static void step(double[][] w, double[][] g, double[][] v) {
    for (int i = 0; i < w.length; i++) {
      step(w[i], g[i], v[i]);
    }
  }

  static void print(PrintStream out) {
    Data data = Data.spirals(7);
    Params p = Params.initial(11);
    double[] losses = train(p, data);
    Table table = new Table(String.format(
        "Two spirals, 2 x %d points, 2-%d-2 tanh network, gradient descent with momentum",
        POINTS_PER_CLASS, HIDDEN), "epoch", "loss");
    for (int epoch : new int[] {0, 1, 10, 100, 300, 600, 1000, EPOCHS}) {
      table.row(epoch, losses[epoch]);
    }
    table.print(out);
    out.printf("training accuracy after %d epochs: %.3f%n%n", EPOCHS, accuracy(p, data));
  }
}
