package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.FwdResult;

/**
 * Methods that return {@code double[]}: derived ones, a custom rule, and scalar losses that call
 * them, write into the arrays they return, and chain them.
 */
final class ArrayResults {
  private ArrayResults() {}

  /** {@code s * tanh(x_i)}, element by element. */
  @Differentiable
  static double[] layer(double[] x, double s) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = s * Math.tanh(x[i]);
    }
    return y;
  }

  /** The array itself: its value is a copy, and its pullback the identity. */
  @Differentiable
  static double[] identity(double[] x) {
    return x;
  }

  /** One of two arrays, by a branch: only the branch taken gets the cotangent. */
  @Differentiable
  static double[] pick(double[] a, double[] b, @NoDiff boolean first) {
    if (first) {
      return a;
    }
    return b;
  }

  /** Prefix sums, with a running total that the reverse sweep must walk back. */
  @Differentiable
  static double[] cumulative(double[] x) {
    double[] y = new double[x.length];
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      total += x[i] * x[i];
      y[i] = total;
    }
    return y;
  }

  /** Two layers: an array-returning method calling another one twice. */
  @Differentiable
  static double[] twoLayers(double[] x, double s, double t) {
    double[] h = layer(x, s);
    double[] out = layer(h, t);
    return out;
  }

  /** The softmax, as a rule whose @Bwd is the softmax's Jacobian-vector product. */
  @CustomVjp
  static double[] softmax(double[] x) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, x[i]);
    }
    double[] y = new double[x.length];
    double z = 0;
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.exp(x[i] - m);
      z += y[i];
    }
    for (int i = 0; i < x.length; i++) {
      y[i] = y[i] / z;
    }
    return y;
  }

  /** Keeps the output as the residual (the rule's value and its residual share one array). */
  @Fwd("softmax")
  static FwdResult<double[], double[]> softmaxFwd(double[] x) {
    double[] y = softmax(x);
    return FwdResult.of(y, y);
  }

  @Bwd("softmax")
  static double[] softmaxBwd(double[] y, double[] g) {
    double dot = 0;
    for (int i = 0; i < y.length; i++) {
      dot += y[i] * g[i];
    }
    double[] out = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      out[i] = y[i] * (g[i] - dot);
    }
    return out;
  }

  /**
   * Cross-entropy of softmax(layer(x, s)) against weights w, plus the squares of the hidden layer
   * after its first element is doubled in place: a write into an array a call returned, which the
   * rule's residual shares.
   */
  @Differentiable
  static double loss(double[] x, double s, @NoDiff double[] w) {
    double[] h = layer(x, s);
    double[] p = softmax(h);
    p[0] = p[0] * 2;
    h[0] = h[0] * 2;
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += -w[i] * Math.log(p[i]) + h[i] * h[i];
    }
    return sum;
  }

  /** A scalar of the chained layers and the prefix sums, for GradCheck. */
  @Differentiable
  static double chained(double[] x) {
    double[] a = twoLayers(x, 1.5, -0.5);
    double[] b = cumulative(a);
    double[] c = identity(b);
    double sum = 0;
    for (int i = 0; i < c.length; i++) {
      sum += Math.sin(c[i]) * (i + 1);
    }
    return sum;
  }
}
