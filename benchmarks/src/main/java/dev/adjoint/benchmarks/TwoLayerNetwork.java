package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import java.util.Arrays;

/**
 * A two-layer network's loss, the same network written three ways: the mean softmax
 * cross-entropy of z = w2 tanh(w1 x + b1) + b2 against an {@code int} label, over the rows
 * {@code xs} of the {@code @NoDiff} data, in the four parameter arrays w1 (hidden rows of
 * inputs), b1, w2 (classes rows of hidden) and b2.
 *
 * <ul>
 *   <li>{@link #inlined}: one method, its two scratch arrays created once before the sample loop
 *       and refilled per sample;
 *   <li>{@link #perSample}: a helper per layer returning a fresh array per sample ({@link
 *       #hidden}, {@link #logits}) and one for the cross-entropy ({@link #crossEntropy}), as the
 *       two-spirals sample writes it;
 *   <li>{@link #perNeuron}: {@link #inlined} with each unit's dot product a helper returning
 *       {@code double} ({@link #neuron} in the hidden layer, {@link #logit} in the output layer),
 *       called with a row of w1 or w2.
 * </ul>
 *
 * Every form does the same arithmetic in the same order, so their values are bit-identical.
 */
public final class TwoLayerNetwork {
  private TwoLayerNetwork() {}

  /** Everything in one method. */
  @Differentiable
  public static double inlined(double[][] w1, double[] b1, double[][] w2, double[] b2,
      @NoDiff double[][] xs, int[] labels) {
    int hiddenUnits = b1.length;
    int classes = b2.length;
    int inputs = xs[0].length;
    double[] h = new double[hiddenUnits];
    double[] z = new double[classes];
    double total = 0;
    for (int s = 0; s < xs.length; s++) {
      for (int j = 0; j < hiddenUnits; j++) {
        double a = b1[j];
        for (int i = 0; i < inputs; i++) {
          a += w1[j][i] * xs[s][i];
        }
        h[j] = Math.tanh(a);
      }
      for (int k = 0; k < classes; k++) {
        double a = b2[k];
        for (int j = 0; j < hiddenUnits; j++) {
          a += w2[k][j] * h[j];
        }
        z[k] = a;
      }
      double max = z[0];
      for (int k = 1; k < classes; k++) {
        max = Math.max(max, z[k]);
      }
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        sum += Math.exp(z[k] - max);
      }
      total += max + Math.log(sum) - z[labels[s]];
    }
    return total / xs.length;
  }

  /** The hidden layer: tanh(w1 x + b1), a new array per call. */
  @Differentiable
  public static double[] hidden(double[][] w1, double[] b1, double[] x) {
    double[] h = new double[b1.length];
    for (int j = 0; j < h.length; j++) {
      double a = b1[j];
      for (int i = 0; i < x.length; i++) {
        a += w1[j][i] * x[i];
      }
      h[j] = Math.tanh(a);
    }
    return h;
  }

  /** The output layer's logits: w2 h + b2, a new array per call. */
  @Differentiable
  public static double[] logits(double[][] w2, double[] b2, double[] h) {
    double[] z = new double[b2.length];
    for (int k = 0; k < z.length; k++) {
      double a = b2[k];
      for (int j = 0; j < h.length; j++) {
        a += w2[k][j] * h[j];
      }
      z[k] = a;
    }
    return z;
  }

  /** -log softmax(z)[label], the largest logit subtracted before exponentiating. */
  @Differentiable
  public static double crossEntropy(double[] z, int label) {
    double max = z[0];
    for (int k = 1; k < z.length; k++) {
      max = Math.max(max, z[k]);
    }
    double sum = 0;
    for (int k = 0; k < z.length; k++) {
      sum += Math.exp(z[k] - max);
    }
    return max + Math.log(sum) - z[label];
  }

  /** Per-sample helpers returning arrays. */
  @Differentiable
  public static double perSample(double[][] w1, double[] b1, double[][] w2, double[] b2,
      @NoDiff double[][] xs, int[] labels) {
    double total = 0;
    for (int s = 0; s < xs.length; s++) {
      double[] h = hidden(w1, b1, xs[s]);
      double[] z = logits(w2, b2, h);
      total += crossEntropy(z, labels[s]);
    }
    return total / xs.length;
  }

  /** One hidden unit: tanh(w . x + b). */
  @Differentiable
  public static double neuron(double[] w, double b, double[] x) {
    double a = b;
    for (int i = 0; i < x.length; i++) {
      a += w[i] * x[i];
    }
    return Math.tanh(a);
  }

  /** One output unit: w . h + b. */
  @Differentiable
  public static double logit(double[] w, double b, double[] h) {
    double a = b;
    for (int j = 0; j < h.length; j++) {
      a += w[j] * h[j];
    }
    return a;
  }

  /** Per-neuron helpers, the scratch arrays and the cross-entropy as in {@link #inlined}. */
  @Differentiable
  public static double perNeuron(double[][] w1, double[] b1, double[][] w2, double[] b2,
      @NoDiff double[][] xs, int[] labels) {
    int hiddenUnits = b1.length;
    int classes = b2.length;
    double[] h = new double[hiddenUnits];
    double[] z = new double[classes];
    double total = 0;
    for (int s = 0; s < xs.length; s++) {
      for (int j = 0; j < hiddenUnits; j++) {
        h[j] = neuron(w1[j], b1[j], xs[s]);
      }
      for (int k = 0; k < classes; k++) {
        z[k] = logit(w2[k], b2[k], h);
      }
      double max = z[0];
      for (int k = 1; k < classes; k++) {
        max = Math.max(max, z[k]);
      }
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        sum += Math.exp(z[k] - max);
      }
      total += max + Math.log(sum) - z[labels[s]];
    }
    return total / xs.length;
  }

  /**
   * The value, with the gradient written into g1, gb1, g2, gb2 (the shapes of w1, b1, w2, b2;
   * overwritten), and h (hidden) and z (classes) as scratch: per sample, the forward pass, then
   * dz = softmax(z) - onehot(label), scaled by 1 / samples, back through both layers.
   */
  public static double valueAndGradient(double[][] w1, double[] b1, double[][] w2, double[] b2,
      double[][] xs, int[] labels, double[][] g1, double[] gb1, double[][] g2, double[] gb2,
      double[] h, double[] z) {
    int hiddenUnits = b1.length;
    int classes = b2.length;
    int inputs = xs[0].length;
    double scale = 1.0 / xs.length;
    for (double[] row : g1) {
      Arrays.fill(row, 0.0);
    }
    for (double[] row : g2) {
      Arrays.fill(row, 0.0);
    }
    Arrays.fill(gb1, 0.0);
    Arrays.fill(gb2, 0.0);
    double total = 0;
    for (int s = 0; s < xs.length; s++) {
      double[] x = xs[s];
      for (int j = 0; j < hiddenUnits; j++) {
        double[] wj = w1[j];
        double a = b1[j];
        for (int i = 0; i < inputs; i++) {
          a += wj[i] * x[i];
        }
        h[j] = Math.tanh(a);
      }
      for (int k = 0; k < classes; k++) {
        double[] wk = w2[k];
        double a = b2[k];
        for (int j = 0; j < hiddenUnits; j++) {
          a += wk[j] * h[j];
        }
        z[k] = a;
      }
      double max = z[0];
      for (int k = 1; k < classes; k++) {
        max = Math.max(max, z[k]);
      }
      int label = labels[s];
      double zLabel = z[label];
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        z[k] = Math.exp(z[k] - max);
        sum += z[k];
      }
      total += max + Math.log(sum) - zLabel;
      // z becomes the logits' cotangent: (softmax(z) - onehot(label)) / samples.
      for (int k = 0; k < classes; k++) {
        z[k] = (z[k] / sum - (k == label ? 1 : 0)) * scale;
      }
      for (int k = 0; k < classes; k++) {
        double dz = z[k];
        gb2[k] += dz;
        double[] gk = g2[k];
        for (int j = 0; j < hiddenUnits; j++) {
          gk[j] += dz * h[j];
        }
      }
      for (int j = 0; j < hiddenUnits; j++) {
        double dh = 0;
        for (int k = 0; k < classes; k++) {
          dh += w2[k][j] * z[k];
        }
        double da = dh * (1 - h[j] * h[j]);
        gb1[j] += da;
        double[] gj = g1[j];
        for (int i = 0; i < inputs; i++) {
          gj[i] += da * x[i];
        }
      }
    }
    return total / xs.length;
  }
}
