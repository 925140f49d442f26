package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * int[], long[] and boolean[] (and int[][]) in differentiable code: index arrays, labels, masks,
 * permutations; read from parameters, written into locals, and passed to another method.
 */
final class DiscreteArrays {
  private DiscreteArrays() {}

  /** sum_i (i + 1) x[idx[i]]^2: x gathered through an index array (repeats allowed). */
  @Differentiable
  static double gather(double[] x, int[] idx) {
    double s = 0;
    for (int i = 0; i < idx.length; i++) {
      double v = x[idx[i]];
      s += (i + 1) * v * v;
    }
    return s;
  }

  /** sin(x[i]) where mask[i], else x[i]^2. */
  @Differentiable
  static double masked(double[] x, boolean[] mask) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      if (mask[i]) {
        s += Math.sin(x[i]);
      } else {
        s += x[i] * x[i];
      }
    }
    return s;
  }

  /** sum_i exp(w[labels[i]]) f[i]: a weight per class, picked by each sample's label. */
  @Differentiable
  static double classWeights(double[] w, int[] labels, @NoDiff double[] f) {
    double s = 0;
    for (int i = 0; i < labels.length; i++) {
      s += Math.exp(w[labels[i]]) * f[i];
    }
    return s;
  }

  /**
   * A local permutation, read and then overwritten in the same trip: sum_i x[n-1-i] x[i] +
   * sin(x[i]). The reverse sweep must read each element as the forward sweep did.
   */
  @Differentiable
  static double permutedOverwritten(double[] x) {
    int n = x.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = n - 1 - i;
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += x[order[i]] * x[i];
      order[i] = i;
      s += Math.sin(x[order[i]]);
    }
    return s;
  }

  /** Outside any loop: a local index written after it was read. x[1] x[0] + x[0]^3. */
  @Differentiable
  static double overwrittenOnce(double[] x) {
    int[] at = new int[1];
    at[0] = 1;
    double s = x[at[0]] * x[0];
    at[0] = 0;
    s += x[at[0]] * x[at[0]] * x[at[0]];
    return s;
  }

  /** Class counts in a local int[] (counts[labels[i]]++): sum_i x[i]^2 / counts[labels[i]]. */
  @Differentiable
  static double perClassMean(double[] x, int[] labels, int classes) {
    int[] counts = new int[classes];
    for (int i = 0; i < labels.length; i++) {
      counts[labels[i]]++;
    }
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * x[i] / counts[labels[i]];
    }
    return s;
  }

  /** long[] steps: sum_i steps[i] x[steps[i]]. */
  @Differentiable
  static double strided(double[] x, long[] steps) {
    double s = 0;
    for (int i = 0; i < steps.length; i++) {
      s += steps[i] * x[(int) steps[i]];
    }
    return s;
  }

  /** Edges as rows of an int[][]: sum over edges of (x[a] - x[b])^2. */
  @Differentiable
  static double edges(double[] x, int[][] pairs) {
    double s = 0;
    for (int[] e : pairs) {
      double d = x[e[0]] - x[e[1]];
      s += d * d;
    }
    return s;
  }

  /** A local boolean[] mask and an int[] passed on to another @Differentiable method. */
  @Differentiable
  static double gatherTwice(double[] x, int[] idx) {
    boolean[] seen = new boolean[x.length];
    int[] reversed = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      reversed[i] = idx[idx.length - 1 - i];
      seen[idx[i]] = true;
    }
    double s = gather(x, idx) + gather(x, reversed);
    for (int i = 0; i < x.length; i++) {
      if (!seen[i]) {
        s += x[i];
      }
    }
    return s;
  }

  /** y[i] = x[perm[i]]^2 with a local 2-D int table: a double[] result, for Jacobians. */
  @Differentiable
  static double[] permuteSquares(double[] x, int[] perm) {
    int[][] table = new int[perm.length][2];
    for (int i = 0; i < perm.length; i++) {
      table[i][0] = perm[i];
      table[i][1] = i;
    }
    double[] y = new double[perm.length];
    for (int i = 0; i < perm.length; i++) {
      double v = x[table[i][0]];
      y[table[i][1]] = v * v;
    }
    return y;
  }

  /**
   * An unannotated call sorts the int[] parameter between two reads: x[idx[0]]^2 is read before
   * the sort, x[idx[0]]^3 after; the reverse sweep must read idx as each statement saw it.
   */
  @Differentiable
  static double sortedBetweenReads(double[] x, int[] idx) {
    double s = x[idx[0]] * x[idx[0]];
    java.util.Arrays.sort(idx);
    s += x[idx[0]] * x[idx[0]] * x[idx[0]];
    return s;
  }

  /** Rotated left by an unannotated helper in each trip: sum_t x[idx[0]] x[idx[1]]. */
  @Differentiable
  static double rotatedInLoop(double[] x, int[] idx, int trips) {
    double s = 0;
    for (int t = 0; t < trips; t++) {
      s += x[idx[0]] * x[idx[1]];
      rotate(idx);
    }
    return s;
  }

  static void rotate(int[] a) {
    int first = a[0];
    System.arraycopy(a, 1, a, 0, a.length - 1);
    a[a.length - 1] = first;
  }
}
