package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * {@code order = 2} methods that call {@code order = 2} methods of another class ({@link
 * SecondOrderCallees}): second order goes through the callees' Hessian-vector products.
 */
final class SecondOrderCallers {
  private SecondOrderCallers() {}

  /**
   * cubes(x) y + mix(y, x₀)² + e^{mix(0.5, 2)} y + scaled(w, y x₁): varying calls with scalar and
   * array arguments, a constant call, a constant array argument beside a varying scalar.
   */
  @Differentiable(order = 2)
  static double f(double[] x, double y, @NoDiff double[] w) {
    double c = SecondOrderCallees.cubes(x);
    double m = SecondOrderCallees.mix(y, x[0]);
    double k = Math.exp(SecondOrderCallees.mix(0.5, 2.0));
    return c * y + m * m + k * y + SecondOrderCallees.scaled(w, y * x[1]);
  }

  /**
   * plain(x y, x) + softplus(y²): callees without order = 2 of their own, which this method's
   * order = 2 gives them. Hessian: [[y² e^{xy} x + 2y e^{xy}, ...]] (see the test).
   */
  @Differentiable(order = 2)
  static double implied(double x, double y) {
    return SecondOrderCallees.plain(x * y, x) + SecondOrderCallees.softplus(y * y);
  }

  /**
   * Σ over the rows of {{x, y}, {y, x}} of cubes(row) y, each row's first element overwritten
   * after its call: 2x³y + 2y⁴. The callee's pullback reads the row it was given, so the Hessian
   * sweep must put the element back before it runs (it aliased the row and did not: fuzzer v17).
   */
  @Differentiable(order = 2)
  static double rowsChangedAfterTheirCall(double x, double y) {
    double[][] m = {{x, y}, {y, x}};
    double s = 0;
    for (int k = 0; k < 2; k++) {
      s += SecondOrderCallees.cubes(m[k]) * y;
      m[k][0] = 1;
    }
    return s;
  }

  /** A call in a loop, whose argument changes from trip to trip. */
  @Differentiable(order = 2)
  static double loop(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += SecondOrderCallees.mix(x[i], s + 1.0);
    }
    return s;
  }
}
