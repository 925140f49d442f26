package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * {@code order = 2} methods that read fields: of the receiver (a scalar and an array), static
 * ones, and those of another object and of a {@code @NoDiff} record's array component. Their
 * {@code mHvpAt} must keep the fields as they were when it was made (the fuzzer's {@code
 * hvpAtReceiverFields}).
 */
final class SecondOrderFields {
  double scale;
  double[] weights;
  static double shift = 0.5;
  static double[] table = {1.0, 2.0};

  SecondOrderFields(double scale, double[] weights) {
    this.scale = scale;
    this.weights = weights;
  }

  /** scale Σ wᵢ xᵢ³ + shift x₀ x₁ + table₁ x₁²: Hessian diag(6 scale wᵢ xᵢ) + the pair terms. */
  @Differentiable(order = 2)
  double energy(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += weights[i] * x[i] * x[i] * x[i];
    }
    return scale * s + shift * x[0] * x[1] + table[1] * x[1] * x[1];
  }

  /** An object the receiver holds, whose field a method reads ({@code cfg.k}). */
  static final class Cfg {
    double k = 1.0;
  }

  final Cfg cfg = new Cfg();

  /**
   * k sin(x) through another class's method: forward mode holds {@code cfg} in a temporary where a
   * statement calls, and mHvpAt must still keep {@code cfg.k}'s value, not the object (red team).
   */
  @Differentiable(order = 2)
  double throughObject(double x) {
    return cfg.k * SecondOrderCallees.mix(x, 1.0);
  }

  /** The scale, read by a plain method: {@code mHvpAt} must replay what it returned. */
  double currentScale() {
    return scale;
  }

  /** Which element of y each term reads, chosen by a plain method. */
  int[] permutation = {0, 1};

  /** Writes the permutation into {@code out}, a parameter array the caller passes. */
  void choose(int[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = permutation[i];
    }
  }

  /**
   * scale x³ + Σᵢ (i + 1) y[pick[i]]², with scale and pick read through plain methods (a result,
   * and an argument array written): with pick the identity, Hessian diag(6 scale x, 2, 4).
   */
  @Differentiable(order = 2)
  double throughPlainCalls(double x, double[] y, int[] pick) {
    double k = currentScale();
    choose(pick);
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      s += (i + 1) * y[pick[i]] * y[pick[i]];
    }
    return k * x * x * x + s;
  }

  /** Settings with no floating-point data, which a differentiated body may hold in a local. */
  static final class Steps {
    int count = 3;
  }

  final Steps steps = new Steps();

  /** The settings the receiver holds, returned by a plain method. */
  Steps steps() {
    return steps;
  }

  /** n x² with n read through a local a plain call returned: Hessian 2 n. */
  @Differentiable(order = 2)
  double throughLocalObject(double x) {
    Steps st = steps();
    int n = st.count;
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += x * x;
    }
    return s;
  }

  /** Whether {@link #guardedChain} reads {@link #absent}. */
  boolean guarded;

  /** Null: read only under a guard that is false (red team of stop 31). */
  Cfg absent;

  /** guarded ? absent.k x² : x²: Hessian 2, with {@code absent} null. */
  @Differentiable(order = 2)
  double guardedChain(double x) {
    return guarded ? absent.k * x * x : x * x;
  }

  /** How many terms {@link #callsInConditions} adds, read by a plain method in a condition. */
  int trips = 2;

  int trips() {
    return trips;
  }

  /** Whether {@link #callsInConditions} doubles its sum, read in an if's condition. */
  boolean doubled;

  boolean doubled() {
    return doubled;
  }

  /**
   * Σ over trips() of x², doubled where doubled(): plain calls in a loop's and an if's condition
   * (red team of stop 31). Hessian 2 trips (times 2 where doubled).
   */
  @Differentiable(order = 2)
  double callsInConditions(double x) {
    double s = 0;
    for (int i = 0; i < trips(); i++) {
      s += x * x;
    }
    if (doubled()) {
      s = 2 * s;
    }
    return s;
  }

  static void setFirstTo5(int[] a) {
    a[0] = 5;
  }

  /**
   * b₀ x² after a plain call writes a₀ = 5: given one array as a and b, 5 x², Hessian 10 (red
   * team of stop 31: every second-order member copied a and b apart and gave 2).
   */
  @Differentiable(order = 2)
  static double oneArrayTwice(double x, int[] a, int[] b) {
    setFirstTo5(a);
    return b[0] * x * x;
  }

  /**
   * Σᵢ log(2 + i) x², beside an unused value that calls inside a costly expression
   * ({@code log(2 + new Random(i).nextInt(3))}, which stays inline as the body is not
   * differentiated there) and a generator made on every trip: fHvpAt replayed the call inside a
   * value it also replayed, which put its record out of step (fuzz soak run seed 31902: a
   * ClassCastException in apply). Hessian 2 Σᵢ log(2 + i).
   */
  @Differentiable(order = 2)
  static double costlyAroundACall(double x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      java.util.Random g = new java.util.Random(308);
      double unused = Math.log(2 + Math.floorMod(new java.util.Random(i).nextInt(3), 3)) * x;
      s += Math.log(2 + i) * x * x + g.nextInt(1);
    }
    return s;
  }

  /** cfg.k r₀² r₁: a callee that reads a field of an object the receiver holds. */
  @Differentiable(order = 2)
  double rowEnergy(double[] r) {
    return cfg.k * r[0] * r[0] * r[1];
  }

  /**
   * Σᵢ eᵢ² with eᵢ = rowEnergy(m[i]): a callee given a row, whose body second order does not
   * write in, so the products go through its generated ones (the fuzzer's {@code
   * hvpAtCalleeFields}), value and tangent both.
   */
  @Differentiable(order = 2)
  double rowsSquared(double[][] m) {
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      double e = rowEnergy(m[i]);
      s += e * e;
    }
    return s;
  }

  /** A record whose array component is read as data. */
  record Data(double[] c) {}

  /** other.scale x² y + c₀ y²: Hessian [[2 s y, 2 s x], [2 s x, 2 c₀]]. */
  @Differentiable(order = 2)
  static double coupled(double x, double y, @NoDiff SecondOrderFields other,
      @NoDiff Data data) {
    return other.scale * x * x * y + data.c()[0] * y * y;
  }
}
