package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Red-team checks of helpers written into callers' loops ({@link InlineRedTeam}): each caller's
 * gradient by mGrad, mValueAndGrad, a Vjp pulled back twice and a workspace used twice, against
 * central differences of the primal (GradCheck over mFunction) and, where there is one, against
 * the twin with the helper pasted by hand; values against the primal's.
 */
final class InlineRedTeamTest {

  private static final double[][] M = {{0.3, -0.7}, {1.1, 0.4}, {-0.5, 0.9}};
  private static final double[] X = {0.6, -0.2};

  private static double[][] m() {
    double[][] c = new double[M.length][];
    for (int i = 0; i < M.length; i++) {
      c[i] = M[i].clone();
    }
    return c;
  }

  private static double[] point() {
    return new double[] {M[0][0], M[0][1], M[1][0], M[1][1], M[2][0], M[2][1], X[0], X[1]};
  }

  private static Method method(Class<?> c, String name) {
    for (Method m : c.getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        m.setAccessible(true);
        return m;
      }
    }
    throw new AssertionError("no " + name + " in " + c);
  }

  private static Object call(Object target, String name, Object... args) throws Exception {
    Class<?> c = target instanceof Class<?> k ? k : target.getClass();
    return method(c, name).invoke(target instanceof Class<?> ? null : target, args);
  }

  /** The gradient (m's elements row by row, then x's) in an object with accessors m() and x(). */
  private static double[] flat(Object grad) throws Exception {
    double[][] gm = (double[][]) call(grad, "m");
    double[] gx = (double[]) call(grad, "x");
    List<Double> out = new ArrayList<>();
    for (double[] row : gm) {
      for (double v : row) {
        out.add(v);
      }
    }
    for (double v : gx) {
      out.add(v);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void reset() {
    InlineRedTeam.count = 1.0;
    InlineRedTeam.TABLE[0] = 1.0;
    InlineRedTeam.BUMPED[0] = 1.0;
  }

  private static double primal(String name) throws Exception {
    reset();
    return (double) call(InlineRedTeam.class, name, m(), X.clone());
  }

  /** Every reverse form's value and gradient: each one the same, and the value the primal's. */
  private static double[] grad(String name) throws Exception {
    double value = primal(name);
    reset();
    double[] g = flat(call(InlineRedTeamAdjoint.class, name + "Grad", m(), X.clone()));
    reset();
    Object vg = call(InlineRedTeamAdjoint.class, name + "ValueAndGrad", m(), X.clone());
    assertThat((double) call(vg, "value")).isEqualTo(value);
    assertThat(flat(call(vg, "grad"))).usingExactEquality().containsExactly(g).inOrder();
    reset();
    Object vjp = call(InlineRedTeamAdjoint.class, name + "Vjp", m(), X.clone());
    assertThat((double) call(vjp, "value")).isEqualTo(value);
    double[] pulled = flat(call(vjp, "pullback", 1.0));
    Rounding.assertSameToRounding(pulled, g);
    assertThat(flat(call(vjp, "pullback", 1.0))).usingExactEquality().containsExactly(pulled)
        .inOrder();
    Object ws = call(InlineRedTeamAdjoint.class, name + "Workspace");
    for (int i = 0; i < 2; i++) {
      reset();
      assertThat((double) call(ws, "valueAndGrad", m(), X.clone())).isEqualTo(value);
      assertThat(flat(ws)).usingExactEquality().containsExactly(g).inOrder();
    }
    return g;
  }

  private static void againstDifferences(String name) throws Exception {
    double[] g = grad(name);
    DifferentiableFunction f = (DifferentiableFunction) call(InlineRedTeamAdjoint.class,
        name + "Function", m(), X.clone());
    GradCheck.defaults().assertGradient(f, point());
    double[] out = new double[8];
    f.valueAndGradient(point(), out);
    assertThat(out).usingTolerance(1e-12).containsExactly(g).inOrder();
  }

  private static void close(double[] actual, double[] expected) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).isWithin(1e-12 * (1 + Math.abs(expected[i]))).of(expected[i]);
    }
  }

  @Test
  void rowsThroughAPermutationAndRowsWrittenAfterTheCall() throws Exception {
    againstDifferences("permuted");
    againstDifferences("rowWrittenAfter");
  }

  @Test
  void oneArrayPassedTwiceAndARowWithItsMatrix() throws Exception {
    againstDifferences("aliased");
  }

  @Test
  void earlyReturnsAndBreaksInHelperAndCaller() throws Exception {
    againstDifferences("earlyReturns");
    againstDifferences("nestedCalls");
  }

  @Test
  void randomDrawsInJavasOrder() throws Exception {
    againstDifferences("draws");
  }

  @Test
  void helperParametersNamedLikeCallerLocalsAndAssigned() throws Exception {
    againstDifferences("sameNames");
  }

  @Test
  void recursionThroughTwoHelpers() throws Exception {
    againstDifferences("mutual");
  }

  @Test
  void arrayResultWrittenAndPassedOn() throws Exception {
    againstDifferences("layered");
  }

  @Test
  void loopsOfAllKindsWithANoDiffParameter() throws Exception {
    // @NoDiff c holds the argument constant: the gradient is that of the primal with
    // nd(a, c) = max(a0, a1) * c + c * c seen as a function of a only. At M, X: do-trips use
    // c = x0, x1 (no derivative through them), the while-trips c = m[k][0] (none through it).
    double[] g = grad("loopsOfAllKinds");
    double[] byHand = new double[8];
    // trip k=0: nd(m0, x0) * nd(m1, x1); max(m0) = m00 = 0.3, max(m1) = m10 = 1.1
    double n0 = 0.3 * 0.6 + 0.36;
    double n1 = 1.1 * -0.2 + 0.04;
    byHand[0] += 0.6 * n1;
    byHand[2] += -0.2 * n0;
    // trip k=1: nd(m1, x0) * nd(m2, x1); max(m2) = m21 = 0.9
    double n2 = 1.1 * 0.6 + 0.36;
    double n3 = 0.9 * -0.2 + 0.04;
    byHand[2] += 0.6 * n3;
    byHand[5] += -0.2 * n2;
    // while-trips: nd(x, m[1][0]) + x0, nd(x, m[0][0]) + x0; max(x) = x0
    byHand[6] += 1.1 + 1 + 0.3 + 1;
    // enhanced for: nd(row, 2) * row0 = (2 max(row) + 4) row0
    byHand[0] += 2 * 0.3 + (2 * 0.3 + 4);
    byHand[2] += 2 * 1.1 + (2 * 1.1 + 4);
    byHand[5] += 2 * -0.5;
    byHand[4] += 2 * 0.9 + 4;
    close(g, byHand);
  }

  @Test
  void tiesAsIfPastedByHand() throws Exception {
    close(grad("ties"), grad("tiesByHand"));
  }

  /**
   * Found by this red team: the helper's body (with bump()) was moved before the statement, so
   * count was read after the bump, not before as Java does (value 5.18 for 3.38, d/dx0 9 for 6;
   * 161ebe6 gave 3.38 and 6). A call whose callee may have effects is no longer written in
   * before a statement that reads a field.
   */
  @Test
  void aFieldTheStatementReadsBeforeTheCallChanges() throws Exception {
    // s = Σ_k count_k x0 + m[k][0] m[k][1] with count_k = 1, 2, 3
    double expected = 6 * 0.6 + (0.3 * -0.7 + 1.1 * 0.4 + -0.5 * 0.9);
    assertThat(primal("counted")).isWithin(1e-12).of(expected);
    assertThat(primal("countedByHand")).isWithin(1e-12).of(expected);
    double[] g = grad("counted");
    double[] byHand = grad("countedByHand");
    assertThat(g[6]).isWithin(1e-12).of(6.0);
    close(g, byHand);
  }

  /**
   * Found by this red team: a call in an if's condition was moved before the if with its body,
   * so count was read after bump(), not before: the other branch was taken.
   */
  @Test
  void aFieldTheConditionReadsBeforeTheCallChanges() throws Exception {
    // count 1, 2, 3 against m[k][0] + 1.5 = 1.8, 2.6, 1.0: branches then, then, else
    double[] g = grad("countedInCondition");
    double[] expected = new double[8];
    expected[1] = X[1];
    expected[3] = X[1];
    expected[4] = X[0];
    expected[6] = M[2][0];
    expected[7] = M[0][1] + M[1][1];
    close(g, expected);
  }

  /**
   * Found by this red team (161ebe6, before helpers were written in, gave the same): an element
   * of a static array that a call with effects changes between the helper's calls was read again
   * by the reverse sweep, at its last value (d/dm[0][1] 2.4 for 0.6, d/dm[1][1] 2.4 for 1.2).
   */
  @Test
  void aStaticArrayElementChangedBetweenCalls() throws Exception {
    double[] g = grad("tableBumpedBetweenCalls");
    double[] expected = new double[8];
    expected[1] = 1 * X[0];
    expected[3] = 2 * X[0];
    expected[5] = 3 * X[0];
    expected[6] = M[0][1] + 2 * M[1][1] + 3 * M[2][1];
    close(g, expected);
  }

  /**
   * The red team's other forms of the field-order bug: an element of a static array and a
   * field in a ?: condition, read by the statement before the call bumps them (value -2.02 for
   * -1.42 before the fix).
   */
  @Test
  void aTableElementAndAConditionTheStatementReadsBeforeTheCall() throws Exception {
    double products = 0;
    for (double[] row : M) {
      products += row[0] * row[1];
    }
    assertThat(primal("tableReadBeforeTheCall"))
        .isWithin(1e-12).of(6 * X[1] + 5 * X[0] + products);
    double[] g = grad("tableReadBeforeTheCall");
    double[] expected = new double[8];
    for (int k = 0; k < 3; k++) {
      expected[2 * k] = M[k][1];
      expected[2 * k + 1] = M[k][0];
    }
    expected[6] = 5;
    expected[7] = 6;
    close(g, expected);
  }

  /**
   * Found while fixing the loop form above (161ebe6 had it too): a call that is not written in
   * got the callee's sharing Vjp, which kept the static array the callee read, not a copy, so its
   * pullback read the element as bumpTable() left it (d/dm[0][1] 4 for 2). Every Vjp now copies
   * the arrays its method read from fields.
   */
  @Test
  void aStaticArrayElementChangedBetweenTwoCallsOutsideLoops() throws Exception {
    double[] g = grad("tableBumpedBetweenTwoCalls");
    double[] expected = new double[8];
    expected[1] = 1 * X[0];
    expected[3] = 2 * X[0];
    expected[6] = M[0][1] + 2 * M[1][1];
    close(g, expected);
  }

  /** {@link #aTableElementAndAConditionTheStatementReadsBeforeTheCall}, one helper deeper. */
  @Test
  void aTableElementReadBeforeANestedCallWithEffects() throws Exception {
    double expectedValue = X[0];
    double[] expected = new double[8];
    for (int k = 0; k < 3; k++) {
      expectedValue += (k + 1) * M[k][0] + M[k][0] * M[k][1];
      expected[2 * k] = (k + 1) + M[k][1];
      expected[2 * k + 1] = M[k][0];
    }
    expected[6] = 1;
    assertThat(primal("tableReadBeforeANestedCall")).isWithin(1e-12).of(expectedValue);
    close(grad("tableReadBeforeANestedCall"), expected);
  }
}
