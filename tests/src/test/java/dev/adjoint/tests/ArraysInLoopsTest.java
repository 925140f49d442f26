package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.tests.ArraysInLoopsAdjoint.growingFunction;
import static dev.adjoint.tests.ArraysInLoopsAdjoint.growingGrad;
import static dev.adjoint.tests.ArraysInLoopsAdjoint.growingJvp;
import static dev.adjoint.tests.ArraysInLoopsAdjoint.growingVjp;
import static dev.adjoint.tests.ArraysInLoopsAdjoint.growingWorkspace;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Arrays created inside loops, in every generated form: the gradient against central
 * differences (GradCheck) and, where it has one, a closed form; a Vjp's pullback run twice (the
 * reverse sweep walks each trip's array back, and must leave the Vjp able to do it again); a
 * workspace used twice; the JVP against the gradient.
 */
final class ArraysInLoopsTest {

  /** The forms of one method of one double[] parameter. */
  private record Forms(
      ToDoubleFunction<double[]> primal,
      DifferentiableFunction function,
      Function<double[], double[]> grad,
      Function<double[], double[][]> pullbackTwice,
      Function<double[], double[][]> workspaceTwice,
      ToDoubleBiFunction<double[], double[]> jvp) {}

  private static double[] point(long seed, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = rnd.nextDouble(-1.2, 1.2);
    }
    return p;
  }

  private static void check(Forms f, int n) {
    for (long seed = 1; seed <= 5; seed++) {
      double[] p = point(seed, n);
      double[] before = p.clone();
      GradCheck.defaults().assertGradient(f.function(), p);
      double[] g = f.grad().apply(p);
      double[][] twice = f.pullbackTwice().apply(p);
      Rounding.assertSameToRounding(twice[0], g);
      assertThat(twice[1]).usingExactEquality().containsExactly(twice[0]).inOrder();
      double[][] ws = f.workspaceTwice().apply(p);
      assertThat(ws[0]).usingExactEquality().containsExactly(g).inOrder();
      assertThat(ws[1]).usingExactEquality().containsExactly(g).inOrder();
      double[] dir = point(seed + 100, n);
      double dot = 0;
      for (int i = 0; i < n; i++) {
        dot += g[i] * dir[i];
      }
      assertThat(f.jvp().applyAsDouble(p, dir)).isWithin(1e-12 * (1 + Math.abs(dot))).of(dot);
      assertThat(p).usingExactEquality().containsExactly(before).inOrder();
    }
  }

  @Test
  void aPerSampleNetworkCallsAnArrayHelperOnEveryTrip() {
    double[][] xs = {{0.5, -1.0}, {1.5, 0.25}, {-0.75, 0.8}, {0.1, 0.2}};
    double[] ys = {0.3, -0.2, 0.5, 0.0};
    int n = 3 * 2 + 3 + 3;
    check(new Forms(
        p -> ArraysInLoops.network(p, xs, ys),
        ArraysInLoopsAdjoint.networkFunction(n, xs, ys),
        p -> ArraysInLoopsAdjoint.networkGrad(p, xs, ys).p(),
        p -> {
          var vjp = ArraysInLoopsAdjoint.networkVjp(p, xs, ys);
          return new double[][] {vjp.pullback(1.0).p(), vjp.pullback(1.0).p()};
        },
        p -> {
          var w = ArraysInLoopsAdjoint.networkWorkspace();
          w.valueAndGrad(p, xs, ys);
          double[] first = w.p().clone();
          w.valueAndGrad(p, xs, ys);
          return new double[][] {first, w.p().clone()};
        },
        (p, d) -> ArraysInLoopsAdjoint.networkJvp(p, xs, ys, d).tangent()), n);
  }

  @Test
  void aFreshArrayPerTripOverwrittenAfterReads() {
    check(new Forms(
        ArraysInLoops::overwrittenAfterRead,
        ArraysInLoopsAdjoint.overwrittenAfterReadFunction(4),
        p -> ArraysInLoopsAdjoint.overwrittenAfterReadGrad(p).p(),
        p -> {
          var vjp = ArraysInLoopsAdjoint.overwrittenAfterReadVjp(p);
          return new double[][] {vjp.pullback(1.0).p(), vjp.pullback(1.0).p()};
        },
        p -> {
          var w = ArraysInLoopsAdjoint.overwrittenAfterReadWorkspace();
          w.valueAndGrad(p);
          double[] first = w.p().clone();
          w.valueAndGrad(p);
          return new double[][] {first, w.p().clone()};
        },
        (p, d) -> ArraysInLoopsAdjoint.overwrittenAfterReadJvp(p, d).tangent()), 4);
  }

  @Test
  void arraysWhoseLengthChangesFromTripToTrip() {
    check(new Forms(
        ArraysInLoops::growing,
        growingFunction(4),
        p -> growingGrad(p).p(),
        p -> {
          var vjp = growingVjp(p);
          return new double[][] {vjp.pullback(1.0).p(), vjp.pullback(1.0).p()};
        },
        p -> {
          var w = growingWorkspace();
          w.valueAndGrad(p);
          double[] first = w.p().clone();
          w.valueAndGrad(p);
          return new double[][] {first, w.p().clone()};
        },
        (p, d) -> growingJvp(p, d).tangent()), 4);
    // Closed form at two points: sum_k sum_{i<=k} prefix_i * p_k (1 + sum_{1<=j<=i} p_j), with
    // prefix_i = p_0 p_1 ... p_i; for p = (a, b): a*b*(1 + 0)... computed directly below.
    double a = 0.7;
    double b = -1.3;
    // k = 0: prefix_0 m0_0 = a * a; k = 1: a * b + (a b)(b (1 + b)) = a b + a b^2 (1 + b).
    double[] g = growingGrad(new double[] {a, b}).p();
    assertThat(g[0]).isWithin(1e-12).of(2 * a + b + b * b * (1 + b));
    assertThat(g[1]).isWithin(1e-12).of(a + a * (2 * b + 3 * b * b));
  }

  @Test
  void arraysPerTripOfNestedLoops() {
    check(new Forms(
        ArraysInLoops::nested,
        ArraysInLoopsAdjoint.nestedFunction(3),
        p -> ArraysInLoopsAdjoint.nestedGrad(p).p(),
        p -> {
          var vjp = ArraysInLoopsAdjoint.nestedVjp(p);
          return new double[][] {vjp.pullback(1.0).p(), vjp.pullback(1.0).p()};
        },
        p -> {
          var w = ArraysInLoopsAdjoint.nestedWorkspace();
          w.valueAndGrad(p);
          double[] first = w.p().clone();
          w.valueAndGrad(p);
          return new double[][] {first, w.p().clone()};
        },
        (p, d) -> ArraysInLoopsAdjoint.nestedJvp(p, d).tangent()), 3);
  }

  @Test
  void arraysAndIndexArraysPerTripOfAWhileLoopLeftByBreak() {
    check(new Forms(
        ArraysInLoops::untilSmall,
        ArraysInLoopsAdjoint.untilSmallFunction(3),
        p -> ArraysInLoopsAdjoint.untilSmallGrad(p).p(),
        p -> {
          var vjp = ArraysInLoopsAdjoint.untilSmallVjp(p);
          return new double[][] {vjp.pullback(1.0).p(), vjp.pullback(1.0).p()};
        },
        p -> {
          var w = ArraysInLoopsAdjoint.untilSmallWorkspace();
          w.valueAndGrad(p);
          double[] first = w.p().clone();
          w.valueAndGrad(p);
          return new double[][] {first, w.p().clone()};
        },
        (p, d) -> ArraysInLoopsAdjoint.untilSmallJvp(p, d).tangent()), 3);
  }

  @Test
  void aRuleReturningAnArrayOnEveryTrip() {
    check(new Forms(
        ArraysInLoops::ruleInLoop,
        ArraysInLoopsAdjoint.ruleInLoopFunction(3),
        p -> ArraysInLoopsAdjoint.ruleInLoopGrad(p).p(),
        p -> {
          var vjp = ArraysInLoopsAdjoint.ruleInLoopVjp(p);
          return new double[][] {vjp.pullback(1.0).p(), vjp.pullback(1.0).p()};
        },
        p -> {
          var w = ArraysInLoopsAdjoint.ruleInLoopWorkspace();
          w.valueAndGrad(p);
          double[] first = w.p().clone();
          w.valueAndGrad(p);
          return new double[][] {first, w.p().clone()};
        },
        (p, d) -> ArraysInLoopsAdjoint.ruleInLoopJvp(p, d).tangent()), 3);
  }

  @Test
  void theValueIsThePrimals() {
    double[] p = point(9, 4);
    assertThat(ArraysInLoopsAdjoint.overwrittenAfterReadValueAndGrad(p).value())
        .isEqualTo(ArraysInLoops.overwrittenAfterRead(p));
    assertThat(ArraysInLoopsAdjoint.growingVjp(p).value()).isEqualTo(ArraysInLoops.growing(p));
    assertThat(Arrays.stream(p).sum()).isNotNaN();
  }

  @Test
  void aJacobianThroughAnArrayPerTripAgreesWithPullbacksAndDifferences() {
    double[] x = point(3, 5);
    double[][] jac = ArraysInLoopsAdjoint.smoothedJacobian(x);
    var vjp = ArraysInLoopsAdjoint.smoothedVjp(x);
    double h = 1e-6;
    for (int r = 0; r < x.length; r++) {
      double[] e = new double[x.length];
      e[r] = 1;
      double[] row = vjp.pullback(e).x();
      assertThat(jac[r]).usingTolerance(1e-12).containsExactly(row).inOrder();
      for (int c = 0; c < x.length; c++) {
        double[] plus = x.clone();
        double[] minus = x.clone();
        plus[c] += h;
        minus[c] -= h;
        double numeric = (ArraysInLoops.smoothed(plus)[r] - ArraysInLoops.smoothed(minus)[r])
            / (2 * h);
        assertThat(jac[r][c]).isWithin(1e-6).of(numeric);
      }
    }
  }

  @Test
  void aMethodReturnsTheArrayACallReturned() {
    double[] x = point(4, 4);
    double[] u = point(5, 4);
    var vjp = ArraysInLoopsAdjoint.smoothedTwiceVjp(x);
    assertThat(vjp.value()).usingExactEquality()
        .containsExactly(ArraysInLoops.smoothedTwice(x)).inOrder();
    // The chain rule by hand: pull u back through the second call, then the first.
    double[] once = ArraysInLoops.smoothed(x);
    double[] inner = ArraysInLoopsAdjoint.smoothedVjp(once).pullback(u).x();
    double[] expected = ArraysInLoopsAdjoint.smoothedVjp(x).pullback(inner).x();
    assertThat(vjp.pullback(u).x()).usingTolerance(1e-14).containsExactly(expected).inOrder();
  }

  @Test
  void aMatrixPerTripOverwrittenAfterReads() {
    check(new Forms(
        ArraysInLoops::matrixPerTrip,
        ArraysInLoopsAdjoint.matrixPerTripFunction(3),
        p -> ArraysInLoopsAdjoint.matrixPerTripGrad(p).p(),
        p -> {
          var vjp = ArraysInLoopsAdjoint.matrixPerTripVjp(p);
          return new double[][] {vjp.pullback(1.0).p(), vjp.pullback(1.0).p()};
        },
        p -> {
          var w = ArraysInLoopsAdjoint.matrixPerTripWorkspace();
          w.valueAndGrad(p);
          double[] first = w.p().clone();
          w.valueAndGrad(p);
          return new double[][] {first, w.p().clone()};
        },
        (p, d) -> ArraysInLoopsAdjoint.matrixPerTripJvp(p, d).tangent()), 3);
  }

  @Test
  void rowsOfAMatrixPassedToAHelper() {
    double[][] m = {{0.5, -1.0, 2.0}, {1.5, 0.25}, {-0.75, 0.8, 0.1}};
    var g = ArraysInLoopsAdjoint.rowsToHelpersGrad(m).m();
    double[][] dm = {{1, 0, 0}, {0, 2}, {0, 0, -1}};
    double expectedTangent = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        assertThat(g[i][j]).isWithin(1e-12).of(2 * (i + 2) * m[i][j]);
        expectedTangent += 2 * (i + 2) * m[i][j] * dm[i][j];
      }
    }
    assertThat(ArraysInLoopsAdjoint.rowsToHelpersJvp(m, dm).tangent())
        .isWithin(1e-12).of(expectedTangent);
    var vjp = ArraysInLoopsAdjoint.rowsToHelpersVjp(m);
    m[0][0] = 100; // the Vjp a user gets keeps what its pullback reads
    assertThat(vjp.pullback(1.0).m()[0][0]).isWithin(1e-12).of(2 * 2 * 0.5);
  }

  @Test
  void aNetworkPassingEachSampleRowGivesTheGradientOfTheOneCopyingIt() {
    double[][] xs = {{0.5, -1.0}, {1.5, 0.25}, {-0.75, 0.8}, {0.1, 0.2}};
    double[] ys = {0.3, -0.2, 0.5, 0.0};
    double[] p = point(11, 12);
    assertThat(ArraysInLoopsAdjoint.networkOnRowsGrad(p, xs, ys).p()).usingExactEquality()
        .containsExactly(ArraysInLoopsAdjoint.networkGrad(p, xs, ys).p()).inOrder();
    GradCheck.defaults().assertGradient(ArraysInLoopsAdjoint.networkOnRowsFunction(12, xs, ys), p);
    assertThat(ArraysInLoopsAdjoint.networkOnRowsJvp(p, xs, ys, p).tangent()).isWithin(1e-12)
        .of(ArraysInLoopsAdjoint.networkJvp(p, xs, ys, p).tangent());
  }

  @Test
  void callsOfArrayMethodsNestedInArguments() {
    double[][] xs = {{0.5, -1.0}, {1.5, 0.25}, {-0.75, 0.8}, {0.1, 0.2}};
    double[] ys = {0.3, -0.2, 0.5, 0.0};
    double[] p = point(12, 12);
    double[] nested = ArraysInLoopsAdjoint.networkNestedGrad(p, xs, ys).p();
    double[] flat = ArraysInLoopsAdjoint.networkGrad(p, xs, ys).p();
    assertThat(nested).usingTolerance(1e-14).containsExactly(flat).inOrder();
    assertThat(ArraysInLoopsAdjoint.networkNestedValueAndGrad(p, xs, ys).value())
        .isEqualTo(ArraysInLoops.networkNested(p, xs, ys));
    check(new Forms(
        ArraysInLoops::nestedTwice,
        ArraysInLoopsAdjoint.nestedTwiceFunction(4),
        x -> ArraysInLoopsAdjoint.nestedTwiceGrad(x).x(),
        x -> {
          var vjp = ArraysInLoopsAdjoint.nestedTwiceVjp(x);
          return new double[][] {vjp.pullback(1.0).x(), vjp.pullback(1.0).x()};
        },
        x -> {
          var w = ArraysInLoopsAdjoint.nestedTwiceWorkspace();
          w.valueAndGrad(x);
          double[] first = w.x().clone();
          w.valueAndGrad(x);
          return new double[][] {first, w.x().clone()};
        },
        (x, d) -> ArraysInLoopsAdjoint.nestedTwiceJvp(x, d).tangent()), 4);
  }
}
