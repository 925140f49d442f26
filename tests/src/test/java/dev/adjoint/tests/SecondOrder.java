package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/** Methods with {@code order = 2}: their Hessian-vector products and Hessians (issue 12). */
final class SecondOrder {
  private SecondOrder() {}

  /** Rosenbrock's function of n variables: a loop over neighbouring pairs. */
  @Differentiable(order = 2)
  static double rosenbrock(double[] x) {
    double s = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = 1 - x[i];
      double b = x[i + 1] - x[i] * x[i];
      s += a * a + 100 * b * b;
    }
    return s;
  }

  /** The quadratic form xᵀAx, A any square matrix (a constant): Hessian A + Aᵀ. */
  @Differentiable(order = 2)
  static double quadratic(double[] x, @NoDiff double[][] a) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        s += x[i] * a[i][j] * x[j];
      }
    }
    return s;
  }

  /**
   * Reads an index array, then sorts it: x[ix₀]² · x[ix'₀], ix' sorted. With ix = {2, 0, 1}: x₂²
   * x₀. Every second-order member must be at the arguments as given (the fuzzer found mHvp's
   * product taken after its value and gradient had sorted them: x₀³'s).
   */
  @Differentiable(order = 2)
  static double sortsItsIndices(double[] x, int[] ix) {
    double first = x[ix[0]];
    java.util.Arrays.sort(ix);
    return first * first * x[ix[0]];
  }

  /**
   * Reads a @NoDiff array, then sorts it: x₀² d₀ + x₁ d'₀, d' sorted (the fuzzer found mHvp's
   * sweep, run first, sorting it under mValueAndGrad).
   */
  @Differentiable(order = 2)
  static double sortsItsData(double[] x, @NoDiff double[] d) {
    double first = x[0] * x[0] * d[0];
    java.util.Arrays.sort(d);
    return first + x[1] * d[0];
  }

  /** xʸ: at y = 0 its mixed partial is 1/x (the red team found it lost there). */
  @Differentiable(order = 2)
  static double power(double x, double y) {
    return Math.pow(x, y);
  }

  /** log(1 + eˣ), as written: second derivative σ(x)(1 − σ(x)). */
  @Differentiable(order = 2)
  static double softplus(double x) {
    return Math.log(1 + Math.exp(x));
  }

  /** Loops, an if on the data, Math calls, a scalar beside an array, an int and a constant. */
  @Differentiable(order = 2)
  static double branchy(double[] x, double y, int rounds, @NoDiff double scale) {
    double s = Math.sin(y) * scale;
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < x.length; i++) {
        if (x[i] > 0) {
          s += Math.sqrt(x[i]) * y + Math.exp(-x[i] * x[i]);
        } else {
          s += Math.pow(x[i], 3) * Math.cos(y) - x[i] / (1 + y * y);
        }
      }
      s = s * 0.5 + Math.tanh(s) * y;
    }
    return s + Math.hypot(y, x[0]) + Math.atan2(x[0], 2 + y * y);
  }

  /** A matrix parameter: Σ_ij m_ij² m_ji + exp(m_00 · m_11) + log(1 + m_01²). */
  @Differentiable(order = 2)
  static double matrix(double[][] m) {
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        s += m[i][j] * m[i][j] * m[j][i];
      }
    }
    return s + Math.exp(m[0][0] * m[1][1]) + Math.log(1 + m[0][1] * m[0][1]);
  }

  /** Two scalars: f = x sin(y) + e^(xy), whose Hessian has a closed form. */
  @Differentiable(order = 2)
  static double scalars(double x, double y) {
    return x * Math.sin(y) + Math.exp(x * y);
  }

  /**
   * Tangents that vanish at x = 0 (2x·v) under functions whose first-order tangents forward mode
   * guards against infinite partials (log, division, sqrt, pow, atan2): f_xx(0, y) = 2 + 2/y + 1
   * + 3 + 2/y.
   */
  @Differentiable(order = 2)
  static double vanishing(double x, double y) {
    double u = x * x;
    return Math.log(1 + u) + u / y + Math.sqrt(1 + u) + Math.pow(1 + u, 1.5) + Math.atan2(u, y);
  }

  /** break, continue, a return inside a loop, and a do loop whose trip count depends on y. */
  @Differentiable(order = 2)
  static double jumps(double[] x, double y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] < -1.2) {
        continue;
      }
      if (x[i] > 1.8) {
        break;
      }
      s += Math.sin(x[i] * y) * x[i];
      if (s > 1.5) {
        return s * y + x[0] * x[0];
      }
    }
    double t = y;
    do {
      t = t * 0.5 + Math.cbrt(t * t + 1);
    } while (t < 3);
    return s + t * y;
  }

  /**
   * Calls written into the body: a loop over a helper, a norm, a @NoDiff argument, a chain, a call
   * in an if's condition.
   */
  @Differentiable(order = 2)
  static double calls(double x, double[] v, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += x * cube(v[i % v.length] + x) + norm(v) * damped(x, 2.0);
    }
    double t = firstAbove(x);
    if (cube(x) > 0.2 && x < 1.2) {
      s += x * norm(v);
    }
    return s + t * cube(t);
  }

  @Differentiable
  static double cube(double x) {
    return x * x * x;
  }

  @Differentiable
  static double norm(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e;
    }
    return Math.sqrt(s);
  }

  /** k is a constant of the derivative: @NoDiff, though the caller passes a double. */
  @Differentiable
  static double damped(double x, @NoDiff double k) {
    if (x > 0) {
      return Math.exp(-x) * k * x;
    }
    return cube(x) + k;
  }

  /** A return inside a loop. */
  @Differentiable
  static double firstAbove(double x) {
    for (int i = 0; i < 10; i++) {
      if (x < i) {
        return x * i;
      }
    }
    return Math.sin(x);
  }

  /** {@link #calls} with the callees' bodies written out by hand. */
  @Differentiable(order = 2)
  static double callsByHand(double x, double[] v, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      double a = v[i % v.length] + x;
      double norm = 0;
      for (double e : v) {
        norm += e * e;
      }
      double damped;
      if (x > 0) {
        damped = Math.exp(-x) * 2.0 * x;
      } else {
        damped = x * x * x + 2.0;
      }
      s += x * (a * a * a) + Math.sqrt(norm) * damped;
    }
    double t = Math.sin(x);
    for (int i = 0; i < 10; i++) {
      if (x < i) {
        t = x * i;
        break;
      }
    }
    if (x * x * x > 0.2 && x < 1.2) {
      double norm = 0;
      for (double e : v) {
        norm += e * e;
      }
      s += x * Math.sqrt(norm);
    }
    return s + t * (t * t * t);
  }

  /**
   * A parameter assigned in the body (the fuzzer's finding): x0 = x1 makes f = x1³, Hessian
   * [[0, 0], [0, 6 x1]]. The direction's assignment x0Dot = x1Dot must survive into the HVP.
   */
  @Differentiable(order = 2)
  static double reassigned(double x0, double x1) {
    x0 = x1;
    return x0 * x0 * x1;
  }

  /** A scalar parameter updated in a loop beside an array parameter, then reassigned. */
  @Differentiable(order = 2)
  static double overwritten(double[] a, double y) {
    double s = a[0] * y;
    for (int i = 0; i < 3; i++) {
      y = y * a[1] + s;
    }
    double[] b = new double[2];
    b[0] = y;
    b[1] = y * y;
    y = Math.sin(b[0]) * a[0];
    return s + b[0] * b[1] + y * y;
  }

  /** Discrete arrays beside the point: a mask and an index array choose the terms. */
  @Differentiable(order = 2)
  static double masked(double[] x, boolean[] mask, long[] pick) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double e = x[(int) pick[i]];
      s += mask[i] ? e * e * x[i] : Math.sin(e) * x[i];
    }
    return s;
  }

  /**
   * A primal-only read the Hessian does not need, out of range for a bad index array: the method
   * throws, so every second-order member must too (red team of stop 30: the pruned sweep
   * returned a Hessian). Sum of x_i² over i < idx.length, so H = 2 I.
   */
  @Differentiable(order = 2)
  static double unusedReads(double[] x, int[] idx) {
    double s = 0;
    double unused = 0;
    for (int i = 0; i < idx.length; i++) {
      unused = unused + x[idx[i]];
      s += x[i % x.length] * x[i % x.length];
    }
    return s;
  }
}
