package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.runtime.Ad;

/** Programs the differential fuzzer (processor module, FuzzTest) found bugs with, reduced. */
final class FuzzFound {
  private FuzzFound() {}

  // Open, found by Generator version 10 (fuzz open bug "splitVjpData"; not a test yet, since the
  // processor is being restructured): in the split form (long methods, or -Aadjoint.splitAbove=0)
  // fVjp does not change a @NoDiff array that the primal changes through an unannotated call.
  // The gradient is right; the caller's array is not what the primal (and fValueAndGrad, the
  // workspace, the function, and the unsplit fVjp) leave it at.
  //
  //   @Differentiable
  //   static double f(double x, @NoDiff double[] d) {
  //     double s = x * d[0];
  //     java.util.Arrays.sort(d);
  //     return s;
  //   }
  //
  //   d = {3, 1, 2}: f(1, d), fValueAndGrad(1, d) and unsplit fVjp(1, d) leave d = {1, 2, 3};
  //   with -Aadjoint.splitAbove=0, fVjp(1, d) leaves d = {3, 1, 2} (pullback(1.0) gives x = 3.0,
  //   right). Program seeds: -6827894114569169200, -4250902029890755090, 8419140524222371420
  //   (version 10, replay with -Dfuzz.program=N -Dfuzz.open=splitVjpData).
  //
  // Open, found by the version 10 soak (seed 1001): a SILENT WRONG GRADIENT in the split form's
  // fVjp only. A write into the array a rule returned (softmax keeps its value as a residual) is
  // not undone before the rule's pullback when the Vjp's pullback runs later, in the split form
  // (the unsplit form is right: ruleValueWrites, fixed at version 7). fValueAndGrad, the
  // workspace and the function are right in both forms.
  //
  //   @Differentiable
  //   static double f(double x1, @NoDiff double[] da) {
  //     double[] yb = Rules.softmax(da, x1);   // the fuzzer's softmax rule (fuzz/Rules.java)
  //     --yb[2];
  //     return yb[2];
  //   }
  //
  //   x1 = -0.184133, da = {-1.780908, 0.381736, -0.461403}: fGrad gives x1 = 0.09796483225154912,
  //   the unsplit fVjp(..).pullback(1.0) the same; with -Aadjoint.splitAbove=0 fVjp's pullback
  //   gives 0.10526249294717355. Seeds (version 10, -Dfuzz.soak=true): -6570408718906685970,
  //   2854719412451584140 (the same through ya[Rules.next(3)] -= x0 on softmax's argument).
  //   The same class through a double[] helper's own hVjp (seed 1002 of the soak): a write into
  //   softmax's argument after the call (seed -7948004841944116310, d/da1 = -0.0730, true 0):
  //
  //   @Differentiable
  //   static double[] h1(double a0, double[] aa, double a1) {
  //     double[] ya = new double[3];
  //     double[] yb = Rules.softmax(ya, a1);
  //     ya[Math.floorMod(Rules.next(2), 3)] = a1;
  //     return yb;
  //   }
  //
  //   and into its value in a loop (seed 1751605590130133920: yb = Rules.softmax(aa, 0.5); then
  //   yb[0] = yb.length in a while inside a do; d/daa[0] = -0.283, reference -0.143), and in a
  //   loop that passes the array to Rules.squares (which keeps it) and writes the result into it
  //   (seed -4297471794252793910: ya[Math.floorMod(Rules.next(3), 3)] = Rules.squares(ya, a1);
  //   d/da0 = 61255, reference -1603).
  //
  // Open, found by the same soak: seed 2351373855329892722 (-Dfuzz.soak=true), a 600+-step
  // straight-line f (split automatically, not by the option): fVjp pullback d/dxa[1] =
  // -0.0512198, reference -0.0509160 (fValueAndGrad agrees with the reference). Not reduced yet:
  // the shrinker's budget (400 edits) does not reach through 600 statements.

  @Differentiable
  static double square(double x) {
    return x * x;
  }

  /** A variable overwritten by a call that reads it: x becomes x^2, then x^4 y. */
  @Differentiable
  static double selfAssignedCall(double x, double y) {
    x = square(x);
    x = square(x) * y;
    return x + y;
  }

  /** expm1'(x) = e^x, about 1.9e-22 at x = -50, where expm1(x) + 1 is 0. */
  @Differentiable
  static double expm1(double x) {
    return Math.expm1(x);
  }

  /** tanh'(x) = 1 / cosh^2 x, about 3.7e-13 at x = -15, where 1 - tanh^2 keeps 4 digits. */
  @Differentiable
  static double tanh(double x) {
    return Math.tanh(x);
  }

  /** A result that does not depend on x: the gradient is 0, even where cbrt'(x) is infinite. */
  @Differentiable
  static double constantResult(double x) {
    double t = Math.cbrt(x) * x;
    return Ad.stopGradient(t) + 1;
  }

  /**
   * A loop whose adjoint reads a passive temporary (tanh of the index): each trip needs its own
   * value back, not the last trip's. x becomes x tanh(1) tanh(2) tanh(3).
   */
  @Differentiable
  static double passiveTemporaryInLoop(double x) {
    int i = 0;
    do {
      x = x * Math.tanh((double) i + 1);
      i++;
    } while (i < 3);
    return x;
  }

  /** An array element assigned a conditional: each branch's value keeps its derivative. */
  @Differentiable
  static double conditionalIntoElement(double[] x, double y) {
    double[] a = new double[1];
    a[0] = x[0] > 0 ? x[0] * y : y;
    return a[0] * 2;
  }

  /**
   * stopGradient of an int: the call converts it to double, so its negation is -0.0, and
   * atan2(-0.0, -1) is -pi (with the int 0 it would be +pi).
   */
  @Differentiable
  static double negatedIntStop(double x, int n) {
    return x + Math.atan2(-dev.adjoint.runtime.Ad.stopGradient(n - n), -1.0);
  }

  /**
   * 130 steps of t = t cos t + x: the pullback keeps two doubles per step, more than a
   * constructor's 255 parameter slots can hold.
   */
  @Differentiable
  static double longChain(double x) {
    double t = x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    return t;
  }
}
