package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * A static table passed to another class's method in a loop and changed after each call by a
 * plain helper that is not given it (red team of stop 28): the callee's pullback reads the table
 * when the reverse sweep runs, so {@code fGrad} read the bumped table. (With {@code order = 2}, f
 * is an error since stop 28: second order reads each field once, where its sweep begins, and the
 * body changes this one; corpus 364.)
 */
final class FieldTableBumped {
  private FieldTableBumped() {}

  static final double[] TABLE = {2, 3, 0};

  static void resetTable() {
    TABLE[0] = 2;
    TABLE[1] = 3;
  }

  static void bumpTable() {
    TABLE[0] = TABLE[0] + 3;
  }

  /** Trips with the table {2, 3, 0}, then {5, 3, 0}: x₂ (7x₀³ + 6x₁³) on every call. */
  @Differentiable
  static double f(double[] x) {
    resetTable();
    double s = 0;
    for (int t = 0; t < 2; t++) {
      s += Weighted.wsum(TABLE, x) * x[2];
      bumpTable();
    }
    return s;
  }

  /** The callee, in a class of its own so that it is not written in. */
  static final class Weighted {
    private Weighted() {}

    /** Σ wᵢ xᵢ³. */
    @Differentiable
    static double wsum(@NoDiff double[] w, double[] x) {
      double s = 0;
      for (int i = 0; i < x.length; i++) {
        s += w[i] * x[i] * x[i] * x[i];
      }
      return s;
    }
  }
}
