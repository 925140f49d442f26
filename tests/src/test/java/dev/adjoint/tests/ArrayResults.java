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

  /** A copy of the array (returning x itself is a compile error): its pullback the identity. */
  @Differentiable
  static double[] identity(double[] x) {
    double[] y = new double[x.length];
    System.arraycopy(x, 0, y, 0, x.length);
    return y;
  }

  /** One of two arrays, by a branch: only the branch taken gets the cotangent. */
  @Differentiable
  static double[] pick(double[] a, double[] b, @NoDiff boolean first) {
    double[] twiceA = new double[a.length];
    double[] twiceB = new double[b.length];
    for (int i = 0; i < a.length; i++) {
      twiceA[i] = 2 * a[i];
    }
    for (int i = 0; i < b.length; i++) {
      twiceB[i] = 2 * b[i];
    }
    if (first) {
      return twiceA;
    }
    return twiceB;
  }

  /**
   * An array created after an early return: on the path that returns first it never exists, and
   * neither does its cotangent array. (The fuzzer found the reverse sweep reading its length.)
   */
  @Differentiable
  static double createdAfterReturn(double[] x, double s) {
    if (s > 1) {
      return s * s;
    }
    double[] y = layer(x, s);
    return y[0] + s;
  }

  /**
   * Writes, in a loop, into the array a rule returned and keeps as its residual: the writes are
   * undone before the rule's pullback reads the residual. (The fuzzer found them not undone.)
   */
  @Differentiable
  static double writeIntoRuleValue(double[] x, double s) {
    double[] p = softmax(x);
    for (int i = 0; i < p.length; i++) {
      p[i] += s;
    }
    return p[0] * p[1];
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

  /**
   * Arrays created inside the branches of an if: a scratch array on one path, the array a call
   * returns on the other; each exists, with its cotangent array, only on its own path.
   */
  @Differentiable
  static double branchArrays(double[] x, double s) {
    double r = 0;
    if (s > 0) {
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = s * x[i] * x[i];
      }
      for (int i = 0; i < y.length; i++) {
        r += y[i];
      }
    } else {
      double[] z = layer(x, s);
      r = z[0];
    }
    return r;
  }
}
