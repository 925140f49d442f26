package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.DifferentiableFunction;
import org.junit.jupiter.api.Test;

/**
 * Arrays a user gets belong to the user, and arrays a user passes stay the user's: a Vjp is the
 * linearisation where it was made, whatever the caller writes into its arrays afterwards; {@code
 * value()} and gradients are copies; a workspace may be given its own gradient buffer as the next
 * point; a null array the call never reads has a null cotangent.
 */
final class OwnershipTest {

  private static final double TOLERANCE = 1e-12;

  private static void assertClose(double[] actual, double... expected) {
    assertThat(actual).usingTolerance(TOLERANCE).containsExactly(expected).inOrder();
  }

  // ------------------------------------------------------------------ the Vjp is a snapshot

  @Test
  void aVjpOfStraightLineCodeIgnoresLaterWritesToTheArguments() {
    double[] x = {1.5, -2, 0.7};
    double[] c = {3};
    var vjp = OwnershipAdjoint.straightVjp(x, c);
    x[0] = 10;
    x[1] = 20;
    x[2] = 30;
    c[0] = -1;
    assertThat(vjp.value()).isEqualTo(1.5 * -2 + Math.sin(0.7) * 3);
    assertClose(vjp.pullback(1.0).x(), -2, 1.5, Math.cos(0.7) * 3);
    assertClose(vjp.pullback(2.0).x(), -4, 3, 2 * Math.cos(0.7) * 3);
  }

  @Test
  void aVjpOfALoopIgnoresLaterWritesToTheArgumentsAndTheData() {
    double[] w = {0.5, 2, -1};
    double[] d = {3, 0.25, 2};
    double[] expected = new double[3];
    for (int i = 0; i < 3; i++) {
      expected[i] = 2 * (w[i] * d[i] - 1) * d[i];
    }
    double value = Ownership.loop(w, d);
    var vjp = OwnershipAdjoint.loopVjp(w, d);
    for (int i = 0; i < 3; i++) {
      w[i] = 100 + i;
      d[i] = -7 * i;
    }
    assertThat(vjp.value()).isEqualTo(value);
    assertClose(vjp.pullback(1.0).w(), expected);
  }

  @Test
  void aRuleWhoseResidualKeepsItsArgumentArrayGetsACopyFromMVjp() {
    double[] x = {1, -2, 0.5};
    var vjp = OwnershipAdjoint.cubesVjp(x);
    x[0] = 9;
    x[1] = 9;
    x[2] = 9;
    assertThat(vjp.value()).isEqualTo(1 - 8 + 0.125);
    assertClose(vjp.pullback(1.0).x(), 3, 12, 0.75);
  }

  @Test
  void aVjpThatPassesItsArraysToARuleAndACalleeIgnoresLaterWrites() {
    double[] x = {1, -2, 0.5};
    double[] d = {2, 1, -4};
    double[] expected = new double[3];
    for (int i = 0; i < 3; i++) {
      expected[i] = 3 * x[i] * x[i] + 2 * 2 * (x[i] * d[i] - 1) * d[i];
    }
    double value = Ownership.viaCallees(x, d);
    var vjp = OwnershipAdjoint.viaCalleesVjp(x, d);
    for (int i = 0; i < 3; i++) {
      x[i] = -5;
      d[i] = 11;
    }
    assertThat(vjp.value()).isEqualTo(value);
    assertClose(vjp.pullback(1.0).x(), expected);
    // The gradient forms share instead: same numbers.
    assertClose(OwnershipAdjoint.viaCalleesGrad(new double[] {1, -2, 0.5}, new double[] {2, 1, -4})
        .x(), expected);
  }

  @Test
  void aVjpWithAnArrayValueIgnoresLaterWritesToTheArgument() {
    double[] x = {1, 2};
    var vjp = OwnershipAdjoint.squaresVjp(x, 3);
    x[0] = 50;
    assertClose(vjp.value(), 3, 12);
    var g = vjp.pullback(new double[] {1, 1});
    assertClose(g.x(), 6, 12);
    assertThat(g.c()).isWithin(TOLERANCE).of(5);
  }

  // ------------------------------------------------------------------ value() is a copy

  @Test
  void theValueOfADerivedVjpIsANewCopyOnEachCall() {
    var vjp = OwnershipAdjoint.squaresVjp(new double[] {1, 2}, 3);
    double[] first = vjp.value();
    first[0] = 99;
    assertClose(vjp.value(), 3, 12);
    assertThat(vjp.value()).isNotSameInstanceAs(vjp.value());
    assertClose(vjp.pullback(new double[] {1, 0}).x(), 6, 0);
  }

  @Test
  void theValueOfARuleVjpIsANewCopyOnEachCallAndItsResidualsStayIntact() {
    var vjp = OwnershipAdjoint.doubledVjp(new double[] {1, 2});
    double[] first = vjp.value();
    first[0] = 99;
    first[1] = 99;
    assertClose(vjp.value(), 2, 4);
    assertThat(vjp.value()).isNotSameInstanceAs(vjp.value());
    assertClose(vjp.pullback(new double[] {1, 1}).x(), 2, 2);
  }

  // ------------------------------------------------------------------ arrays a rule hands back

  @Test
  void anArrayTheBwdKeepsInItsResidualIsCopiedForTheUser() {
    var vjp = OwnershipAdjoint.keptGradientVjp(new double[] {1, -3});
    double[] first = vjp.pullback(1.0).x();
    first[0] = 99;
    assertClose(vjp.pullback(1.0).x(), 2, -6);
    double[] grad = OwnershipAdjoint.keptGradientGrad(new double[] {1, -3}).x();
    grad[1] = 99;
    assertClose(OwnershipAdjoint.keptGradientValueAndGrad(new double[] {1, -3}).grad().x(), 2, -6);
  }

  @Test
  void aStaticArrayTheBwdReturnsEveryTimeIsCopiedForTheUser() {
    double[] first = OwnershipAdjoint.sumOfSquaresGrad(new double[] {1, 2, 3}).x();
    double[] second = OwnershipAdjoint.sumOfSquaresGrad(new double[] {-1, 0, 5}).x();
    assertClose(first, 2, 4, 6);
    assertClose(second, -2, 0, 10);
    var vjp = OwnershipAdjoint.sumOfSquaresVjp(new double[] {4, 4, 4});
    double[] third = vjp.pullback(1.0).x();
    OwnershipAdjoint.sumOfSquaresGrad(new double[] {0, 0, 0});
    assertClose(third, 8, 8, 8);
    var ws = OwnershipAdjoint.sumOfSquaresWorkspace();
    ws.valueAndGrad(new double[] {1, 1, 1});
    double[] buffer = ws.x();
    OwnershipAdjoint.sumOfSquaresGrad(new double[] {7, 7, 7});
    assertClose(buffer, 2, 2, 2);
  }

  // ------------------------------------------------------------------ a workspace's own buffer

  @Test
  void aWorkspaceTakesItsOwnGradientBufferAsTheNextPoint() {
    double[] d = {3, 0.25, 2};
    var ws = OwnershipAdjoint.loopWorkspace();
    ws.valueAndGrad(new double[] {0.5, 2, -1}, d);
    double[] next = {1, -1, 0.5};
    System.arraycopy(next, 0, ws.w(), 0, 3);
    double value = ws.valueAndGrad(ws.w(), d);
    assertThat(value).isEqualTo(Ownership.loop(next, d));
    double[] expected = new double[3];
    for (int i = 0; i < 3; i++) {
      expected[i] = 2 * (next[i] * d[i] - 1) * d[i];
    }
    assertClose(ws.w(), expected);
    // Its buffer as @NoDiff data, too.
    double[] w = {1, 2, 3};
    ws.valueAndGrad(w, d);
    double[] data = ws.w().clone();
    assertThat(ws.valueAndGrad(w, ws.w())).isEqualTo(Ownership.loop(w, data));
    for (int i = 0; i < 3; i++) {
      expected[i] = 2 * (w[i] * data[i] - 1) * data[i];
    }
    assertClose(ws.w(), expected);
  }

  @Test
  void aWorkspaceOfAMatrixTakesItsOwnBuffersAndTheirRowsAsTheNextPoint() {
    var ws = OwnershipAdjoint.weightedSquaresWorkspace();
    ws.valueAndGrad(new double[][] {{1, 2}, {3, 4}}, new double[] {1, 1});
    // The next point: a = {{1, -1}, {2, 0.5}}, v = {3, -2}, in the workspace's own buffers.
    double[][] a = ws.a();
    a[0][0] = 1;
    a[0][1] = -1;
    a[1][0] = 2;
    a[1][1] = 0.5;
    double[] v = ws.v();
    v[0] = 3;
    v[1] = -2;
    double value = ws.valueAndGrad(ws.a(), ws.v());
    assertThat(value).isEqualTo(3 * (1 + 4) - 2 * (1 + 0.25));
    assertClose(ws.a()[0], 6, 4);
    assertClose(ws.a()[1], 12, -2);
    assertClose(ws.v(), 5, 1.25);
    // Rows of the buffer in a matrix of the caller's, and a row of it as the vector.
    double[][] rows = {ws.a()[1], ws.a()[0]}; // {{12, -2}, {6, 4}}
    double[] vector = ws.a()[0]; // {6, 4}
    double expectedValue = 144 * 6 + 4 * 4 + 36 * 6 + 16 * 4;
    assertThat(ws.valueAndGrad(rows, vector)).isEqualTo(expectedValue);
    assertClose(ws.a()[0], 2 * 12 * 6, 2 * -2 * 4);
    assertClose(ws.a()[1], 2 * 6 * 6, 2 * 4 * 4);
    assertClose(ws.v(), 144 + 36, 4 + 16);
  }

  @Test
  void aRuleWorkspaceTakesItsOwnGradientBufferAsTheNextPoint() {
    var ws = OwnershipAdjoint.cubesWorkspace();
    ws.valueAndGrad(new double[] {1, 2});
    ws.x()[0] = -1;
    ws.x()[1] = 0.5;
    assertThat(ws.valueAndGrad(ws.x())).isEqualTo(-1 + 0.125);
    assertClose(ws.x(), 3, 0.75);
  }

  @Test
  void aFunctionTakesThePointAsItsGradientBuffer() {
    double[] d = {3, 0.25, 2};
    DifferentiableFunction f = OwnershipAdjoint.loopFunction(3, d);
    double[] p = {0.5, 2, -1};
    double[] expected = new double[3];
    for (int i = 0; i < 3; i++) {
      expected[i] = 2 * (p[i] * d[i] - 1) * d[i];
    }
    assertThat(f.valueAndGradient(p, p)).isEqualTo(Ownership.loop(new double[] {0.5, 2, -1}, d));
    assertClose(p, expected);
    DifferentiableFunction cubes = OwnershipAdjoint.cubesFunction(2);
    double[] q = {2, -1};
    assertThat(cubes.valueAndGradient(q, q)).isEqualTo(7.0);
    assertClose(q, 12, 3);
    DifferentiableFunction scalars = RuleCallsAdjoint.scaledSinFunction();
    double[] s = {2, 0.5};
    double expectedValue = RuleCalls.scaledSin(2, 0.5);
    var grad = RuleCallsAdjoint.scaledSinGrad(2, 0.5);
    assertThat(scalars.valueAndGradient(s, s)).isEqualTo(expectedValue);
    assertClose(s, grad.x(), grad.y());
  }

  // ------------------------------------------------------------------ null arrays

  @Test
  void aNullArrayTheCallNeverReadsHasANullCotangentInEveryForm() {
    assertThat(OwnershipAdjoint.maybeGrad(null, 3, false).x()).isNull();
    assertThat(OwnershipAdjoint.maybeGrad(null, 3, false).y()).isEqualTo(6.0);
    var vg = OwnershipAdjoint.maybeValueAndGrad(null, 3, false);
    assertThat(vg.value()).isEqualTo(9.0);
    assertThat(vg.grad().x()).isNull();
    var vjp = OwnershipAdjoint.maybeVjp(null, 3, false);
    assertThat(vjp.value()).isEqualTo(9.0);
    assertThat(vjp.pullback(1.0).x()).isNull();
    assertThat(vjp.pullback(2.0).y()).isEqualTo(12.0);
    var ws = OwnershipAdjoint.maybeWorkspace();
    ws.valueAndGrad(new double[] {2}, 3, true);
    assertClose(ws.x(), 3);
    assertThat(ws.valueAndGrad(null, 3, false)).isEqualTo(9.0);
    assertThat(ws.x()).isNull();
    assertThat(ws.y()).isEqualTo(6.0);
    ws.valueAndGrad(new double[] {2}, 3, true);
    assertClose(ws.x(), 3);
    // Passed on to a callee.
    var g = OwnershipAdjoint.passesNullGrad(null, 3);
    assertThat(g.x()).isNull();
    assertThat(g.y()).isEqualTo(7.0);
    assertThat(OwnershipAdjoint.passesNullVjp(null, 3).pullback(1.0).x()).isNull();
  }

  @Test
  void aNullRowTheCallNeverReadsHasANullCotangentRow() {
    double[][] m = {{3}, null};
    double[][] grad = OwnershipAdjoint.firstRowGrad(m).m();
    assertClose(grad[0], 6);
    assertThat(grad[1]).isNull();
    assertThat(OwnershipAdjoint.firstRowVjp(m).pullback(1.0).m()[1]).isNull();
    var ws = OwnershipAdjoint.firstRowWorkspace();
    assertThat(ws.valueAndGrad(m)).isEqualTo(9.0);
    assertClose(ws.m()[0], 6);
    assertThat(ws.m()[1]).isNull();
    assertThat(ws.valueAndGrad(new double[][] {{1}, {2}})).isEqualTo(1.0);
    assertClose(ws.m()[1], 0);
  }

  @Test
  void aNullArrayARuleNeverReadsHasANullCotangent() {
    var g = OwnershipAdjoint.ruleMaybeGrad(null, 3);
    assertThat(g.x()).isNull();
    assertThat(g.y()).isEqualTo(6.0);
    assertThat(OwnershipAdjoint.ruleMaybeVjp(null, 3).pullback(1.0).x()).isNull();
    var ws = OwnershipAdjoint.ruleMaybeWorkspace();
    ws.valueAndGrad(null, 3);
    assertThat(ws.x()).isNull();
    assertClose(OwnershipAdjoint.ruleMaybeGrad(new double[] {2}, -1).x(), -1);
  }

  @Test
  void aNullArrayTheCallReadsFailsAsThePrimalDoesNamingTheParameter() {
    NullPointerException primal =
        assertThrows(NullPointerException.class, () -> Ownership.maybe(null, 3, true));
    assertThat(primal).hasMessageThat().contains("\"x\"");
    for (Runnable form : new Runnable[] {
        () -> OwnershipAdjoint.maybeGrad(null, 3, true),
        () -> OwnershipAdjoint.maybeVjp(null, 3, true),
        () -> OwnershipAdjoint.maybeWorkspace().valueAndGrad(null, 3, true)}) {
      NullPointerException e = assertThrows(NullPointerException.class, form::run);
      assertThat(e).hasMessageThat().contains("\"x\"");
    }
  }
}
