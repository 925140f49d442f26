package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * What the reverse sweep reads must be what the forward sweep saw: scratch arrays refilled by
 * inner loops whose range depends on a loop further out, and {@code @NoDiff} data that a call
 * changes after its use.
 */
final class TapeSoundness {
  private TapeSoundness() {}

  // ------------------------------------------------------------------ fills in deep nests

  /**
   * A fill whose range grows with the index two loops out: on trip (a, k) it fills c_0..c_a with
   * x_j - w_k; c_j for j > a is still 0. f = sum_a sum_k sum_{j <= a} (x_j - w_k) x_j.
   */
  @Differentiable
  static double fillGrowingTwoLoopsOut(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int a = 0; a < n; a++) {
      for (int k = 0; k < w.length; k++) {
        for (int j = 0; j < a + 1; j++) {
          c[j] = x[j] - w[k];
        }
        for (int j = 0; j < n; j++) {
          s += c[j] * x[j];
        }
      }
    }
    return s;
  }

  /** The same, with a range that shrinks as the index two loops out grows. */
  @Differentiable
  static double fillShrinkingTwoLoopsOut(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int a = 0; a < n; a++) {
      for (int k = 0; k < w.length; k++) {
        for (int j = 0; j < n - a; j++) {
          c[j] = x[j] - w[k];
        }
        for (int j = 0; j < n; j++) {
          s += c[j] * x[j];
        }
      }
    }
    return s;
  }

  /**
   * A fill whose bound is a local the outermost loop sets on each trip (not an index), three
   * loops out: m = 1 + (3 b + a) mod n.
   */
  @Differentiable
  static double fillBoundSetThreeLoopsOut(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int b = 0; b < 2; b++) {
      int m = 0;
      for (int a = 0; a < n; a++) {
        m = 1 + (3 * b + a) % n;
        for (int k = 0; k < w.length; k++) {
          for (int j = 0; j < m; j++) {
            c[j] = x[j] * w[k];
          }
          for (int j = 0; j < n; j++) {
            s += c[j] * x[j];
          }
        }
      }
    }
    return s;
  }

  /**
   * A fill whose range is fixed but whose elements shift with the index of the loop around it:
   * trip k fills c_k..c_{k+m-1}.
   */
  @Differentiable
  static double fillShiftedByOuterIndex(double[] x, @NoDiff double[] w) {
    int m = x.length;
    double[] c = new double[m + w.length];
    double s = 0;
    for (int k = 0; k < w.length; k++) {
      for (int j = 0; j < m; j++) {
        c[j + k] = x[j] * w[k];
      }
      for (int j = 0; j < c.length; j++) {
        s += c[j] * x[j % m];
      }
    }
    return s;
  }

  /** A fill whose start depends on the index two loops out: trip (a, k) fills c_a..c_{n-1}. */
  @Differentiable
  static double fillStartTwoLoopsOut(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int a = n - 1; a >= 0; a--) {
      for (int k = 0; k < w.length; k++) {
        for (int j = a; j < n; j++) {
          c[j] = x[j] - w[k];
        }
        for (int j = 0; j < n; j++) {
          s += c[j] * x[j];
        }
      }
    }
    return s;
  }

  /** A fill with a range fixed for the whole method, in a three-deep nest: still replayed. */
  @Differentiable
  static double fillFixedInDeepNest(double[] x, @NoDiff double[] w) {
    int n = x.length;
    double[] c = new double[n];
    double s = 0;
    for (int a = 0; a < 3; a++) {
      for (int k = 0; k < w.length; k++) {
        for (int j = 0; j < n; j++) {
          c[j] = x[j] * w[k] + a;
        }
        for (int j = 0; j < n; j++) {
          s += c[j] * x[j];
        }
      }
    }
    return s;
  }

  // ------------------------------------------------------------------ data changed after use

  /** Doubles every element: an unannotated helper that writes into the array it is given. */
  static void scale(double[] d) {
    for (int i = 0; i < d.length; i++) {
      d[i] *= 2;
    }
  }

  /** Doubles every element of every row. */
  static void scaleRows(double[][] m) {
    for (double[] row : m) {
      scale(row);
    }
  }

  /** Moves every element one place to the front, the first to the end. */
  static void rotate(double[] d) {
    double first = d[0];
    System.arraycopy(d, 1, d, 0, d.length - 1);
    d[d.length - 1] = first;
  }

  /** Adds 1 to d_0 and returns it, as an int. */
  static int bump(double[] d) {
    d[0] += 1;
    return (int) d[0];
  }

  /** s = sum_i x_i^2 d_i, then d doubled: the gradient is 2 x_i d_i with d as passed. */
  @Differentiable
  static double scaledAfterUse(double[] x, @NoDiff double[] d) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * x[i] * d[i];
    }
    scale(d);
    return s;
  }

  /** The same without a loop, for x and d of length 2. */
  @Differentiable
  static double scaledAfterUseStraight(double[] x, @NoDiff double[] d) {
    double s = x[0] * x[0] * d[0] + x[1] * d[1];
    scale(d);
    return s;
  }

  /** s = x . d, then d sorted: the gradient is d as passed. */
  @Differentiable
  static double sortedAfterUse(double[] x, @NoDiff double[] d) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * d[i];
    }
    java.util.Arrays.sort(d);
    return s;
  }

  /**
   * Twice sum_{j < d_0} x_j^2, with d_0 an inner loop's bound, then d doubled: the reverse sweep
   * must run d_0 trips as passed, not 2 d_0.
   */
  @Differentiable
  static double boundChangedAfterUse(double[] x, @NoDiff double[] d) {
    double s = 0;
    for (int k = 0; k < 2; k++) {
      for (int j = 0; j < (int) d[0]; j++) {
        s += x[j] * x[j];
      }
    }
    scale(d);
    return s;
  }

  /** s = sum_i x_i m_i0 m_i1, then every row of m doubled. */
  @Differentiable
  static double matrixScaledAfterUse(double[] x, @NoDiff double[][] m) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * m[i][0] * m[i][1];
    }
    scaleRows(m);
    return s;
  }

  /** Trip t reads d_0 and then rotates d: s = sum_t x_t d_{t mod n} with d as passed. */
  @Differentiable
  static double rotatedEachTrip(double[] x, @NoDiff double[] d) {
    double s = 0;
    for (int t = 0; t < x.length; t++) {
      s += x[t] * d[0];
      rotate(d);
    }
    return s;
  }

  /** A loop whose condition writes d: s = x_0 d_0 + sum over trips of x_0 d_0 after the bump. */
  @Differentiable
  static double bumpedInLoopCondition(double[] x, @NoDiff double[] d) {
    double s = x[0] * d[0];
    while (bump(d) < 4) {
      s += x[0] * d[0];
    }
    return s;
  }

  /** A branch whose condition writes d. */
  @Differentiable
  static double bumpedInBranchCondition(double[] x, @NoDiff double[] d) {
    double s = x[0] * d[0];
    if (bump(d) > 1) {
      s += x[0] * d[0];
    }
    return s;
  }

  /** d passed to a differentiable callee, whose pullback reads it, and doubled afterwards. */
  @Differentiable
  static double scaledAfterCallee(double[] x, @NoDiff double[] d) {
    double s = dot(x, d);
    scale(d);
    return s;
  }

  /** x . v. */
  @Differentiable
  static double dot(double[] x, @NoDiff double[] v) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * v[i];
    }
    return s;
  }

  /**
   * A fill from d, which each trip doubles after the fill: s = sum_k sum_j (x_j d_j 2^k)^2.
   */
  @Differentiable
  static double fillFromDataScaledEachTrip(double[] x, @NoDiff double[] d) {
    double[] c = new double[x.length];
    double s = 0;
    for (int k = 0; k < 3; k++) {
      for (int j = 0; j < x.length; j++) {
        c[j] = x[j] * d[j];
      }
      for (int j = 0; j < x.length; j++) {
        s += c[j] * c[j];
      }
      scale(d);
    }
    return s;
  }

  /** A value computed from d on trip i, before d is doubled: s = sum_i x_i 2 d_i 2^i. */
  @Differentiable
  static double valueFromDataScaledEachTrip(double[] x, @NoDiff double[] d) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double a = d[i] * 2;
      s += x[i] * a;
      scale(d);
    }
    return s;
  }

  /**
   * An inner loop whose bound d_0 its own trips lower: each run makes trips while j < d_0, and
   * d_0 drops by one per trip.
   */
  @Differentiable
  static double boundChangedInsideTheLoop(double[] x, @NoDiff double[] d) {
    double s = 0;
    for (int k = 0; k < 2; k++) {
      for (int j = 0; j < (int) d[0]; j++) {
        s += x[j] * x[j];
        bumpDown(d);
      }
    }
    return s;
  }

  /** Subtracts 1 from d_0. */
  static void bumpDown(double[] d) {
    d[0] -= 1;
  }

  /** An inner loop that starts at d_0, which its trips raise: x_j^2 for the j it visits. */
  @Differentiable
  static double startChangedInsideTheLoop(double[] x, @NoDiff double[] d) {
    double s = 0;
    for (int k = 0; k < 2; k++) {
      for (int j = (int) d[0]; j < x.length; j++) {
        s += x[j] * x[j];
        bump(d);
      }
    }
    return s;
  }

  /** d_0 read, then bumped in the same statement: s = x_0 d_0 + (d_0 + 1). */
  @Differentiable
  static double readThenBumpedInOneStatement(double[] x, @NoDiff double[] d) {
    double s = x[0] * d[0] + bump(d);
    return s;
  }

  /** Bumped, then read in the same statement: s = (d_0 + 1) + x_0 (d_0 + 1). */
  @Differentiable
  static double bumpedThenReadInOneStatement(double[] x, @NoDiff double[] d) {
    double s = bump(d) + x[0] * d[0];
    return s;
  }

  /** d_0 read as a factor before a bump inside the other factor: s = d_0 (x_0 + d_0 + 1). */
  @Differentiable
  static double factorReadBeforeBump(double[] x, @NoDiff double[] d) {
    return d[0] * (x[0] + bump(d));
  }

  /** The sum of d's elements: reads d, writes nothing. */
  static double total(double[] d) {
    double t = 0;
    for (double v : d) {
      t += v;
    }
    return t;
  }

  /** A helper that only reads d, on every trip: s = sum_i x_i d_i / sum(d). */
  @Differentiable
  static double normalizedByAHelper(double[] x, @NoDiff double[] d) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * d[i] / total(d);
    }
    return s;
  }

  /** d scaled on one branch only, between two reads: s = x_0 d_0 + x_0 d_0 (2 d_0 if x_0 > 0). */
  @Differentiable
  static double scaledInABranch(double[] x, @NoDiff double[] d) {
    double s = x[0] * d[0];
    if (x[0] > 0) {
      scale(d);
    }
    s += x[0] * d[0];
    return s;
  }
}
