package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Side-effecting indices in compound assignments and increments (issue 9, item 2): every generated
 * form gives the primal's value, the closed-form gradient, and runs each impure call exactly as
 * often, and in the same order, as the primal.
 */
final class EvaluationOrderTest {

  private static final double[] POINTS = {-1.25, 0.0, 0.5, 2.0};

  /**
   * Each generated form of a scalar method, as a function of x returning {value, gradient}
   * (value NaN where the form gives none).
   */
  private static Map<String, DoubleFunction<double[]>> forms(
      DoubleFunction<Double> grad,
      DoubleFunction<double[]> valueAndGrad,
      DoubleFunction<double[]> vjp,
      DoubleFunction<double[]> workspace,
      dev.adjoint.runtime.DifferentiableFunction function) {
    Map<String, DoubleFunction<double[]>> forms = new LinkedHashMap<>();
    forms.put("mGrad", x -> new double[] {Double.NaN, grad.apply(x)});
    forms.put("mValueAndGrad", valueAndGrad);
    forms.put("mVjp", vjp);
    forms.put("mWorkspace", workspace);
    forms.put("mFunction", x -> {
      double[] out = new double[1];
      double value = function.valueAndGradient(new double[] {x}, out);
      return new double[] {value, out[0]};
    });
    return forms;
  }

  /**
   * The primal's value, trace and step count at each point, and each form's against them and
   * against the closed-form gradient.
   */
  private static void check(String method, DoubleUnaryOperator primal, DoubleUnaryOperator gradient,
      Map<String, DoubleFunction<double[]>> forms) {
    for (double x : POINTS) {
      EvaluationOrder.reset();
      double value = primal.applyAsDouble(x);
      int steps = EvaluationOrder.steps;
      String trace = EvaluationOrder.trace.toString();
      for (Map.Entry<String, DoubleFunction<double[]>> form : forms.entrySet()) {
        String where = method + " " + form.getKey() + " at x = " + x;
        EvaluationOrder.reset();
        double[] got = form.getValue().apply(x);
        assertWithMessage("calls of %s", where).that(EvaluationOrder.trace.toString())
            .isEqualTo(trace);
        assertWithMessage("steps of %s", where).that(EvaluationOrder.steps).isEqualTo(steps);
        if (!Double.isNaN(got[0])) {
          assertWithMessage("value of %s", where).that(got[0]).isEqualTo(value);
        }
        assertWithMessage("gradient of %s", where).that(got[1])
            .isWithin(1e-12).of(gradient.applyAsDouble(x));
      }
    }
  }

  @Test
  void compoundWritesAndIncrementsEvaluateTheirIndexOnce() {
    check("increments", EvaluationOrder::increments, x -> 24 * x - 6, forms(
        x -> EvaluationOrderAdjoint.incrementsGrad(x).x(),
        x -> {
          var r = EvaluationOrderAdjoint.incrementsValueAndGrad(x);
          return new double[] {r.value(), r.grad().x()};
        },
        x -> {
          var v = EvaluationOrderAdjoint.incrementsVjp(x);
          v.pullback(1.0); // a pullback changes nothing, however often it runs
          return new double[] {v.value(), v.pullback(1.0).x()};
        },
        x -> {
          var ws = EvaluationOrderAdjoint.incrementsWorkspace();
          return new double[] {ws.valueAndGrad(x), ws.x()};
        },
        EvaluationOrderAdjoint.incrementsFunction()));
    EvaluationOrder.reset();
    assertThat(EvaluationOrder.increments(2.0)).isEqualTo(3 * 4.0 - 2 + 25);
    assertThat(EvaluationOrder.steps).isEqualTo(6);
  }

  @Test
  void theIndexIsEvaluatedBeforeTheRightHandSide() {
    check("indexBeforeRightSide", EvaluationOrder::indexBeforeRightSide, x -> 2 + 8 * x, forms(
        x -> EvaluationOrderAdjoint.indexBeforeRightSideGrad(x).x(),
        x -> {
          var r = EvaluationOrderAdjoint.indexBeforeRightSideValueAndGrad(x);
          return new double[] {r.value(), r.grad().x()};
        },
        x -> {
          var v = EvaluationOrderAdjoint.indexBeforeRightSideVjp(x);
          return new double[] {v.value(), v.pullback(1.0).x()};
        },
        x -> {
          var ws = EvaluationOrderAdjoint.indexBeforeRightSideWorkspace();
          return new double[] {ws.valueAndGrad(x), ws.x()};
        },
        EvaluationOrderAdjoint.indexBeforeRightSideFunction()));
    EvaluationOrder.reset();
    assertThat(EvaluationOrder.indexBeforeRightSide(1.5)).isEqualTo(3 + 4 * 2.25);
    assertThat(EvaluationOrder.trace.toString()).isEqualTo("ififif");
  }

  @Test
  void anIndexReadingAFieldSeesItBeforeTheRightHandSideChangesIt() {
    // y[0] = 5 + 2x, y[1] = 7: (5 + 2x)^2 + 7.
    check("fieldIndexThenEffect", EvaluationOrder::fieldIndexThenEffect, x -> 4 * (5 + 2 * x),
        forms(
            x -> EvaluationOrderAdjoint.fieldIndexThenEffectGrad(x).x(),
            x -> {
              var r = EvaluationOrderAdjoint.fieldIndexThenEffectValueAndGrad(x);
              return new double[] {r.value(), r.grad().x()};
            },
            x -> {
              var v = EvaluationOrderAdjoint.fieldIndexThenEffectVjp(x);
              return new double[] {v.value(), v.pullback(1.0).x()};
            },
            x -> {
              var ws = EvaluationOrderAdjoint.fieldIndexThenEffectWorkspace();
              return new double[] {ws.valueAndGrad(x), ws.x()};
            },
            EvaluationOrderAdjoint.fieldIndexThenEffectFunction()));
    EvaluationOrder.reset();
    assertThat(EvaluationOrder.fieldIndexThenEffect(1.0)).isEqualTo(49 + 7);
  }

  @Test
  void fillEvaluatesItsArgumentsInJavasOrder() {
    check("fillArguments", EvaluationOrder::fillArguments, x -> 8 * x + 2, forms(
        x -> EvaluationOrderAdjoint.fillArgumentsGrad(x).x(),
        x -> {
          var r = EvaluationOrderAdjoint.fillArgumentsValueAndGrad(x);
          return new double[] {r.value(), r.grad().x()};
        },
        x -> {
          var v = EvaluationOrderAdjoint.fillArgumentsVjp(x);
          return new double[] {v.value(), v.pullback(1.0).x()};
        },
        x -> {
          var ws = EvaluationOrderAdjoint.fillArgumentsWorkspace();
          return new double[] {ws.valueAndGrad(x), ws.x()};
        },
        EvaluationOrderAdjoint.fillArgumentsFunction()));
    EvaluationOrder.reset();
    assertThat(EvaluationOrder.fillArguments(1.5)).isEqualTo(12.0);
    assertThat(EvaluationOrder.trace.toString()).isEqualTo("iif");
  }

  @Test
  void matrixElementsEvaluateRowAndColumnOnceEach() {
    check("matrixElements", EvaluationOrder::matrixElements, x -> 4 * x + 1, forms(
        x -> EvaluationOrderAdjoint.matrixElementsGrad(x).x(),
        x -> {
          var r = EvaluationOrderAdjoint.matrixElementsValueAndGrad(x);
          return new double[] {r.value(), r.grad().x()};
        },
        x -> {
          var v = EvaluationOrderAdjoint.matrixElementsVjp(x);
          return new double[] {v.value(), v.pullback(1.0).x()};
        },
        x -> {
          var ws = EvaluationOrderAdjoint.matrixElementsWorkspace();
          return new double[] {ws.valueAndGrad(x), ws.x()};
        },
        EvaluationOrderAdjoint.matrixElementsFunction()));
    EvaluationOrder.reset();
    assertThat(EvaluationOrder.matrixElements(1.5)).isEqualTo(2 * 2.25 + 1.5);
    assertThat(EvaluationOrder.steps).isEqualTo(6);
  }

  @Test
  void aRuleDerivedFromItsBodyEvaluatesItsIndicesOnce() {
    for (double x : POINTS) {
      EvaluationOrder.reset();
      double value = EvaluationOrder.ruleWithEffects(x);
      assertThat(EvaluationOrder.steps).isEqualTo(2);
      assertThat(value).isEqualTo(x * (x * x));
      EvaluationOrder.reset();
      assertThat(EvaluationOrderAdjoint.FromBody.ruleWithEffectsGrad(x).x())
          .isWithin(1e-12).of(3 * x * x);
      assertThat(EvaluationOrder.steps).isEqualTo(2);
      EvaluationOrder.reset();
      var r = EvaluationOrderAdjoint.FromBody.ruleWithEffectsValueAndGrad(x);
      assertThat(r.value()).isEqualTo(value);
      assertThat(r.grad().x()).isWithin(1e-12).of(3 * x * x);
      assertThat(EvaluationOrder.steps).isEqualTo(2);
    }
  }

  /** The scatter's value and gradient, replaying the draws of a generator seeded alike. */
  private static double[] scatterExpected(double[] w, long seed, int n) {
    Random r = new Random(seed);
    int[] at = new int[w.length];
    double[] g = new double[n];
    for (int t = 0; t < w.length; t++) {
      at[t] = r.nextInt(n);
      g[at[t]] += w[t];
    }
    double[] out = new double[w.length + 1];
    for (int i = 0; i < n; i++) {
      out[0] += g[i] * g[i] * (i + 1);
    }
    for (int t = 0; t < w.length; t++) {
      out[t + 1] = 2 * (at[t] + 1) * g[at[t]];
    }
    return out;
  }

  /**
   * Asserts that {@code used} drew exactly {@code draws} ints from {@code seed}, with bounds
   * cycling through {@code bounds}: no more, no fewer.
   */
  private static void assertDrew(Random used, long seed, int draws, String where, int... bounds) {
    Random reference = new Random(seed);
    for (int i = 0; i < draws; i++) {
      reference.nextInt(bounds[i % bounds.length]);
    }
    assertWithMessage("the generator's next draw after %s", where)
        .that(used.nextLong()).isEqualTo(reference.nextLong());
  }

  @Test
  void aScatterThroughRandomIndicesDrawsOncePerElementInEveryForm() {
    Random data = new Random(5);
    for (int trial = 0; trial < 10; trial++) {
      int n = 1 + trial % 4;
      double[] w = new double[3 + trial];
      for (int t = 0; t < w.length; t++) {
        w[t] = data.nextGaussian();
      }
      long seed = 100 + trial;
      double[] expected = scatterExpected(w, seed, n);
      double[] grad = java.util.Arrays.copyOfRange(expected, 1, expected.length);

      Random rnd = new Random(seed);
      assertThat(EvaluationOrder.scatter(w, rnd, n)).isWithin(1e-12).of(expected[0]);
      assertDrew(rnd, seed, w.length, "the primal", n);

      rnd = new Random(seed);
      assertThat(EvaluationOrderAdjoint.scatterGrad(w, rnd, n).w())
          .usingTolerance(1e-12).containsExactly(grad).inOrder();
      assertDrew(rnd, seed, w.length, "mGrad", n);

      rnd = new Random(seed);
      var vg = EvaluationOrderAdjoint.scatterValueAndGrad(w, rnd, n);
      assertThat(vg.value()).isWithin(1e-12).of(expected[0]);
      assertThat(vg.grad().w()).usingTolerance(1e-12).containsExactly(grad).inOrder();
      assertDrew(rnd, seed, w.length, "mValueAndGrad", n);

      rnd = new Random(seed);
      var vjp = EvaluationOrderAdjoint.scatterVjp(w, rnd, n);
      assertThat(vjp.pullback(1.0).w()).usingTolerance(1e-12).containsExactly(grad).inOrder();
      assertThat(vjp.pullback(1.0).w()).usingTolerance(1e-12).containsExactly(grad).inOrder();
      assertDrew(rnd, seed, w.length, "mVjp and two pullbacks", n);

      rnd = new Random(seed);
      var ws = EvaluationOrderAdjoint.scatterWorkspace();
      assertThat(ws.valueAndGrad(w, rnd, n)).isWithin(1e-12).of(expected[0]);
      assertThat(ws.w()).usingTolerance(1e-12).containsExactly(grad).inOrder();
      assertDrew(rnd, seed, w.length, "mWorkspace", n);

      rnd = new Random(seed);
      double[] out = new double[w.length];
      assertThat(EvaluationOrderAdjoint.scatterFunction(w.length, rnd, n).valueAndGradient(w, out))
          .isWithin(1e-12).of(expected[0]);
      assertThat(out).usingTolerance(1e-12).containsExactly(grad).inOrder();
      assertDrew(rnd, seed, w.length, "mFunction", n);
    }
  }

  @Test
  void aScatterIntoMatrixRowsDrawsRowThenColumnOnceEach() {
    Random data = new Random(6);
    for (int trial = 0; trial < 10; trial++) {
      double[] w = new double[1 + trial];
      for (int t = 0; t < w.length; t++) {
        w[t] = data.nextGaussian();
      }
      long seed = 300 + trial;
      // Replay: per t, m[r][c] += w[t], then m[r2][c2] += 1.
      Random r = new Random(seed);
      int[][] at = new int[w.length][2];
      double[][] m = new double[2][3];
      for (int t = 0; t < w.length; t++) {
        at[t][0] = r.nextInt(2);
        at[t][1] = r.nextInt(3);
        m[at[t][0]][at[t][1]] += w[t];
        m[r.nextInt(2)][r.nextInt(3)]++;
      }
      double value = 0;
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          value += m[i][j] * m[i][j] * (i + j + 1);
        }
      }
      double[] grad = new double[w.length];
      for (int t = 0; t < w.length; t++) {
        grad[t] = 2 * (at[t][0] + at[t][1] + 1) * m[at[t][0]][at[t][1]];
      }

      Random rnd = new Random(seed);
      assertThat(EvaluationOrder.scatterRows(w, rnd)).isWithin(1e-12).of(value);
      assertDrew(rnd, seed, 4 * w.length, "the primal", 2, 3);

      rnd = new Random(seed);
      var vg = EvaluationOrderAdjoint.scatterRowsValueAndGrad(w, rnd);
      assertThat(vg.value()).isWithin(1e-12).of(value);
      assertThat(vg.grad().w()).usingTolerance(1e-12).containsExactly(grad).inOrder();
      assertDrew(rnd, seed, 4 * w.length, "mValueAndGrad", 2, 3);

      rnd = new Random(seed);
      var vjp = EvaluationOrderAdjoint.scatterRowsVjp(w, rnd);
      assertThat(vjp.value()).isWithin(1e-12).of(value);
      assertThat(vjp.pullback(1.0).w()).usingTolerance(1e-12).containsExactly(grad).inOrder();
      assertDrew(rnd, seed, 4 * w.length, "mVjp", 2, 3);

      rnd = new Random(seed);
      var ws = EvaluationOrderAdjoint.scatterRowsWorkspace();
      assertThat(ws.valueAndGrad(w, rnd)).isWithin(1e-12).of(value);
      assertThat(ws.w()).usingTolerance(1e-12).containsExactly(grad).inOrder();
      assertDrew(rnd, seed, 4 * w.length, "mWorkspace", 2, 3);
    }
  }
}
