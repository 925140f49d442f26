package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import java.util.Random;

/**
 * Red-team programs for helpers called in loops, which the reverse derivative writes into the
 * caller ({@code Inliner.Policy.IN_LOOPS}). Every caller takes {@code (double[][] m, double[] x)}
 * with m 3 x 2 and x of length 2; some have a twin with the helper's body pasted by hand.
 */
final class InlineRedTeam {
  private InlineRedTeam() {}

  /** A counter that a helper bumps through a call with effects, and callers read. */
  static double count = 1.0;

  static double bump() {
    count += 1.0;
    return 0.0;
  }

  @Differentiable
  static double bumper(double[] a) {
    bump();
    return a[0] * a[1];
  }

  /**
   * The statement reads {@code count} before the call bumps it (Java's left-to-right order):
   * with count = 1 at the start, the value is 1·x0 + 2·x0 + 3·x0 + Σ m[k][0]·m[k][1] and
   * d/dx0 = 6.
   */
  @Differentiable
  static double counted(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += count * x[0] + bumper(m[k]);
    }
    return s;
  }

  /** {@link #counted} with the helper pasted by hand, keeping Java's order. */
  @Differentiable
  static double countedByHand(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      double c = count * x[0];
      bump();
      double b = m[k][0] * m[k][1];
      s += c + b;
    }
    return s;
  }

  @Differentiable
  static double bumpedFirst(double[] a) {
    bump();
    return a[0];
  }

  /** The same in an if's condition: count is read before the call bumps it. */
  @Differentiable
  static double countedInCondition(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      if (count < bumpedFirst(m[k]) + 1.5) {
        s += x[1] * m[k][1];
      } else {
        s += x[0] * m[k][0];
      }
    }
    return s;
  }

  @Differentiable
  static double dsin(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += Math.sin(a[i]) * b[i];
    }
    return s;
  }

  /** Rows chosen through an int[] permutation. */
  @Differentiable
  static double permuted(double[][] m, double[] x) {
    int[] idx = {2, 0, 1};
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += dsin(m[idx[k]], x) * (k + 1);
    }
    return s;
  }

  /** Row k % 2 of a local matrix, written after each call read it. */
  @Differentiable
  static double rowWrittenAfter(double[][] m, double[] x) {
    double[][] c = new double[3][2];
    for (int k = 0; k < 3; k++) {
      c[k][0] = m[k][0] * x[0];
      c[k][1] = m[k][1] * x[1];
    }
    double s = 0;
    for (int k = 0; k < 4; k++) {
      s += dsin(c[k % 2], x) * s + 1;
      c[k % 2][0] = s * m[2][0];
      c[k % 2][1] = c[k % 2][1] * s;
    }
    return s;
  }

  @Differentiable
  static double two(double[] a, double[] b) {
    return a[0] * b[1] * a[1] + Math.exp(b[0]);
  }

  @Differentiable
  static double rowAndMatrix(double[] r, double[][] mm) {
    return r[0] * mm[0][1] + r[1] * mm[1][0] * r[1];
  }

  /** One array passed twice, a row twice, a row with its own matrix. */
  @Differentiable
  static double aliased(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += two(x, x) + two(m[k], m[k]) + rowAndMatrix(m[k], m) + two(m[k], x);
    }
    return s;
  }

  @Differentiable
  static double early(double[] a, double t) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] * t > 0.9) {
        return a[i] * t * t;
      }
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) {
        if (j > i) {
          break;
        }
        s += a[i] * a[j] * t;
      }
      if (s > 5) {
        break;
      }
    }
    return s;
  }

  /** A helper with early returns and breaks in nested loops; a break in the caller. */
  @Differentiable
  static double earlyReturns(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      double e = early(m[k], x[k % 2]);
      if (e > 3) {
        s += e;
        break;
      }
      s += e * e;
    }
    return s;
  }

  @Differentiable
  static double noisy(double[] a, Random r) {
    return a[0] * r.nextGaussian() + a[1] * r.nextDouble();
  }

  /** Random draws in the helper and in the caller, in Java's number and order. */
  @Differentiable
  static double draws(double[][] m, double[] x) {
    Random r = new Random(7);
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += noisy(m[k], r) * 2;
      double y = noisy(m[k], r) * noisy(x, r);
      s += y;
    }
    return s;
  }

  @Differentiable
  static double named(double[] a, double s, int k) {
    double t = 0;
    while (k < a.length) {
      t += a[k] * s;
      s = s * 1.5;
      k++;
    }
    return t + s;
  }

  /** Helper parameters named like the caller's locals, assigned by the helper (double, int). */
  @Differentiable
  static double sameNames(double[][] m, double[] x) {
    double s = 0.5 * x[1];
    double t = 2;
    int k = 0;
    for (int j = 0; j < 3; j++) {
      double a = x[0];
      s += named(m[j], s, k) + named(m[j], t, j % 2) * a;
      k++;
    }
    return s + t + k;
  }

  @Differentiable
  static double pa(double[] a, int n) {
    if (n <= 0) {
      return a[0];
    }
    return a[1] * pb(a, n - 1);
  }

  @Differentiable
  static double pb(double[] a, int n) {
    if (n <= 0) {
      return a[1];
    }
    return Math.sin(a[0]) + pa(a, n - 1);
  }

  /** Recursion through two helpers. */
  @Differentiable
  static double mutual(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += pa(m[k], k + 1) * x[0];
    }
    return s;
  }

  @Differentiable
  static double[] lay(double[][] w, double[] x) {
    double[] h = new double[w.length];
    for (int j = 0; j < w.length; j++) {
      h[j] = Math.tanh(dsin(w[j], x));
    }
    return h;
  }

  /** A double[] helper's result written to, then passed to other helpers. */
  @Differentiable
  static double layered(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 2; k++) {
      double[] h = lay(m, x);
      h[0] = h[0] * s + 1;
      s += dsin(h, h) + two(h, x);
    }
    return s;
  }

  @Differentiable
  static double nd(double[] a, @NoDiff double c) {
    return Math.max(a[0], a[1]) * c + c * c;
  }

  /** A loop of no trips, do/while, while, enhanced for with a break, a @NoDiff double. */
  @Differentiable
  static double loopsOfAllKinds(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 0; k++) {
      s += nd(m[k], x[0]);
    }
    int k = 0;
    do {
      s += nd(m[k], x[0]) * nd(m[k + 1], x[1]);
      k++;
    } while (k < 2);
    while (k > 0) {
      k--;
      s += nd(x, m[k][0]) + x[0];
    }
    for (double[] row : m) {
      s += nd(row, 2.0) * row[0];
      if (s > 100) {
        break;
      }
    }
    return s;
  }

  @Differentiable
  static double newton(double a) {
    double y = a + 1;
    while (true) {
      double n = 0.5 * (y + a / y);
      if (Math.abs(n - y) < 1e-13) {
        return n;
      }
      y = n;
    }
  }

  @Differentiable
  static double sq(double[] a) {
    return a[0] * a[0] + Math.sin(a[1]);
  }

  @Differentiable
  static double sq2(double[] a, double t) {
    return a[1] * t * t;
  }

  /** Calls as arguments of calls, one helper twice in a statement, a call in a for's update. */
  @Differentiable
  static double nestedCalls(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += sq2(m[k], sq(m[k]) + sq2(x, sq(m[k]))) * sq(x) + sq(m[k]) * sq(m[k]);
      s += newton(m[k][0] * m[k][0] + 1) * x[0];
    }
    for (int k = 0; k < 3; k++, s += sq(m[k - 1]) * x[0]) {
      if (k == 1) {
        continue;
      }
      s += x[1] * s;
    }
    return s;
  }

  @Differentiable
  static double mx(double[] a, double b) {
    return Math.max(a[0], b) * a[1] + Math.min(b, a[1]);
  }

  /** Math.max/min ties: mx(m[k], m[k][0]) compares m[k][0] with itself. */
  @Differentiable
  static double ties(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += mx(m[k], m[k][0]) + mx(x, m[k][1]) + mx(m[k], x[0]);
    }
    return s;
  }

  /** {@link #ties} with the helper pasted by hand. */
  @Differentiable
  static double tiesByHand(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      double b1 = m[k][0];
      double v1 = Math.max(m[k][0], b1) * m[k][1] + Math.min(b1, m[k][1]);
      double b2 = m[k][1];
      double v2 = Math.max(x[0], b2) * x[1] + Math.min(b2, x[1]);
      double b3 = x[0];
      double v3 = Math.max(m[k][0], b3) * m[k][1] + Math.min(b3, m[k][1]);
      s += v1 + v2 + v3;
    }
    return s;
  }

  /** A table that a call with effects changes between the helper's calls. */
  static final double[] TABLE = {1.0, 2.0};

  static void bumpTable() {
    TABLE[0] += 1.0;
  }

  @Differentiable
  static double tabled(double[] a) {
    return a[1] * TABLE[0];
  }

  /** s = Σ_k m[k][1] · t_k · x0 with t_k = k + 1 (TABLE[0] starting at 1). */
  @Differentiable
  static double tableBumpedBetweenCalls(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += tabled(m[k]) * x[0];
      bumpTable();
    }
    return s;
  }

  /** A table element and a counter, bumped by a helper's call with effects. */
  static final double[] BUMPED = {1.0};

  static double bumpBoth() {
    BUMPED[0] += 1.0;
    count += 1.0;
    return 0.0;
  }

  @Differentiable
  static double bumps(double[] a) {
    bumpBoth();
    return a[0] * a[1];
  }

  /**
   * The statement reads BUMPED[0] and count (in a ?: condition) before the call bumps them:
   * with both starting at 1, s = Σ_k (k + 1) x1 + x0 (count > 2 ? 1 : 2) + m[k][0] m[k][1].
   */
  @Differentiable
  static double tableReadBeforeTheCall(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += BUMPED[0] * x[1] + x[0] * (count > 2 ? 1 : 2) + bumps(m[k]);
    }
    return s;
  }

  /** {@link #tableBumpedBetweenCalls} outside a loop: the calls are not written in. */
  @Differentiable
  static double tableBumpedBetweenTwoCalls(double[][] m, double[] x) {
    double s = tabled(m[0]) * x[0];
    bumpTable();
    s += tabled(m[1]) * x[0];
    return s;
  }

  /** Reads BUMPED[0] before calling a helper that bumps it, in one statement of a helper. */
  @Differentiable
  static double tableThenBumps(double[] a) {
    return BUMPED[0] * a[0] + bumps(a);
  }

  /**
   * The same one call deeper: tableThenBumps is written into the loop, and its statement must
   * still read BUMPED[0] before bumps(a) runs. With BUMPED[0] starting at 1, s = Σ_k (k + 1)
   * m[k][0] + m[k][0] m[k][1].
   */
  @Differentiable
  static double tableReadBeforeANestedCall(double[][] m, double[] x) {
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += tableThenBumps(m[k]);
    }
    return s + x[0];
  }
}
