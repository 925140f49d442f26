package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** Loops: for, while and do; nested; zero trips; data-dependent trip counts; calls and rules. */
final class Loops {
  private Loops() {}

  /** x^n by repeated multiplication; n = 0 runs no trip. */
  @Differentiable
  static double power(double x, int n) {
    double p = 1;
    for (int i = 0; i < n; i++) {
      p = p * x;
    }
    return p;
  }

  /** The first n terms of the exponential series, the term updated in place. */
  @Differentiable
  static double expSeries(double x, int n) {
    double sum = 0;
    double term = 1;
    for (int k = 0; k < n; k++) {
      sum += term;
      term = term * x / (k + 1);
    }
    return sum;
  }

  /** Halves x until it is at most 1: the trip count depends on x. */
  @Differentiable
  static double halve(double x) {
    while (x > 1) {
      x = x / 2;
    }
    return x * x;
  }

  /** A triangular double loop: sum over 0 <= j <= i < n of sin(x i + y j). */
  @Differentiable
  static double triangle(double x, double y, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
      double row = 0;
      for (int j = 0; j <= i; j++) {
        row += Math.sin(x * i + y * j);
      }
      acc += row;
    }
    return acc;
  }

  /** A do loop: always one trip; t becomes t^2 / 2 + cos t, n times at least once. */
  @Differentiable
  static double iterate(double x, int n) {
    double t = x;
    int k = 0;
    do {
      t = square(t) * 0.5 + Math.cos(t);
      k++;
    } while (k < n);
    return t;
  }

  @Differentiable
  static double square(double x) {
    return x * x;
  }

  /** A custom rule and a branch inside a loop: sum over k < 4 of softplus(x k) or -x y. */
  @Differentiable
  static double ruleInLoop(double x, double y) {
    double acc = 0;
    for (int k = 0; k < 4; k++) {
      if (x * k < y) {
        acc += RuleCalls.softplus(x * k);
      } else {
        acc -= x * y;
      }
    }
    return acc;
  }

  /** Grows t until it passes 5, at most 10 trips: a break. */
  @Differentiable
  static double growUntil(double x) {
    double t = x;
    for (int i = 0; i < 10; i++) {
      t = t * 1.5 + 0.25;
      if (t > 5) {
        break;
      }
    }
    return t;
  }

  /** The sum of cos(x i) over the even i below n: a continue. */
  @Differentiable
  static double evenTerms(double x, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
      if (i % 2 == 1) {
        continue;
      }
      acc += Math.cos(x * i);
    }
    return acc;
  }

  /** The square of the first x i + y j above 2 (i, j < 4, row by row), else x + y: a return. */
  @Differentiable
  static double firstAbove(double x, double y) {
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        double v = x * i + y * j;
        if (v > 2) {
          return v * v;
        }
      }
    }
    return x + y;
  }

  /**
   * Nested counted loops whose inner trip counts the reverse sweep computes rather than records:
   * a start other than 0, a {@code <=} bound, a bound that depends on the outer index, and inner
   * loops of no trip (j from i + 1 to m, with m below i for the later i).
   */
  @Differentiable
  static double countedNest(double x, int n, int m) {
    double s = 0;
    for (int i = 1; i <= n; i++) {
      for (int j = i; j <= 2 * i; j++) {
        s += Math.sin(x * j) / i;
      }
      for (int j = i + 1; j < m; j++) {
        s += x * j;
      }
    }
    return s;
  }
}
