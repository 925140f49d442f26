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

  /** A record whose array component is read as data. */
  record Data(double[] c) {}

  /** other.scale x² y + c₀ y²: Hessian [[2 s y, 2 s x], [2 s x, 2 c₀]]. */
  @Differentiable(order = 2)
  static double coupled(double x, double y, @NoDiff SecondOrderFields other,
      @NoDiff Data data) {
    return other.scale * x * x * y + data.c()[0] * y * y;
  }
}
