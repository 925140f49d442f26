package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;

/**
 * A chain of scalar operations: t = sin(t) a + b, repeated, from t = x. As a loop of
 * {@code steps} trips (1 000 in the benchmarks: 3 000 elementary operations, each trip a sin, a
 * multiplication and an addition), and as straight-line code of 10 such steps written out.
 */
public final class ScalarChain {
  private ScalarChain() {}

  @Differentiable
  public static double loop(double x, double a, double b, int steps) {
    double t = x;
    for (int k = 0; k < steps; k++) {
      t = Math.sin(t) * a + b;
    }
    return t;
  }

  /**
   * The value, with the gradient (d/dx, d/da, d/db) written into {@code g}. The forward pass keeps
   * sin and cos of every step in {@code scratch} (length at least 2 {@code steps}, reused).
   */
  public static double loopValueAndGradient(
      double x, double a, double b, int steps, double[] scratch, double[] g) {
    double t = x;
    for (int k = 0; k < steps; k++) {
      double s = Math.sin(t);
      scratch[2 * k] = s;
      scratch[2 * k + 1] = Math.cos(t);
      t = s * a + b;
    }
    double tBar = 1;
    double aBar = 0;
    double bBar = 0;
    for (int k = steps - 1; k >= 0; k--) {
      bBar += tBar;
      aBar += tBar * scratch[2 * k];
      tBar *= a * scratch[2 * k + 1];
    }
    g[0] = tBar;
    g[1] = aBar;
    g[2] = bBar;
    return t;
  }

  /** Ten steps of the chain, written out: straight-line code. */
  @Differentiable
  public static double straight(double x, double a, double b) {
    double t = x;
    t = Math.sin(t) * a + b;
    t = Math.sin(t) * a + b;
    t = Math.sin(t) * a + b;
    t = Math.sin(t) * a + b;
    t = Math.sin(t) * a + b;
    t = Math.sin(t) * a + b;
    t = Math.sin(t) * a + b;
    t = Math.sin(t) * a + b;
    t = Math.sin(t) * a + b;
    t = Math.sin(t) * a + b;
    return t;
  }

  /** The value, with the gradient (d/dx, d/da, d/db) of {@link #straight} written into g. */
  public static double straightValueAndGradient(double x, double a, double b, double[] g) {
    double t0 = x;
    double s0 = Math.sin(t0);
    double t1 = s0 * a + b;
    double s1 = Math.sin(t1);
    double t2 = s1 * a + b;
    double s2 = Math.sin(t2);
    double t3 = s2 * a + b;
    double s3 = Math.sin(t3);
    double t4 = s3 * a + b;
    double s4 = Math.sin(t4);
    double t5 = s4 * a + b;
    double s5 = Math.sin(t5);
    double t6 = s5 * a + b;
    double s6 = Math.sin(t6);
    double t7 = s6 * a + b;
    double s7 = Math.sin(t7);
    double t8 = s7 * a + b;
    double s8 = Math.sin(t8);
    double t9 = s8 * a + b;
    double s9 = Math.sin(t9);
    double value = s9 * a + b;
    double tBar = 1;
    double aBar = s9;
    double bBar = 1;
    tBar *= a * Math.cos(t9);
    aBar += tBar * s8;
    bBar += tBar;
    tBar *= a * Math.cos(t8);
    aBar += tBar * s7;
    bBar += tBar;
    tBar *= a * Math.cos(t7);
    aBar += tBar * s6;
    bBar += tBar;
    tBar *= a * Math.cos(t6);
    aBar += tBar * s5;
    bBar += tBar;
    tBar *= a * Math.cos(t5);
    aBar += tBar * s4;
    bBar += tBar;
    tBar *= a * Math.cos(t4);
    aBar += tBar * s3;
    bBar += tBar;
    tBar *= a * Math.cos(t3);
    aBar += tBar * s2;
    bBar += tBar;
    tBar *= a * Math.cos(t2);
    aBar += tBar * s1;
    bBar += tBar;
    tBar *= a * Math.cos(t1);
    aBar += tBar * s0;
    bBar += tBar;
    tBar *= a * Math.cos(t0);
    g[0] = tBar;
    g[1] = aBar;
    g[2] = bBar;
    return value;
  }
}
