package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Helpers called in loops, which the reverse derivative writes into the caller ({@link
 * HelpersInLoops}): every gradient form against its twin with the helpers written in by hand (to
 * 1e-12), against central differences (GradCheck), a Vjp pulled back twice and a workspace used
 * twice (both exactly the gradient again), and the arguments left as they were.
 */
final class HelpersInLoopsTest {

  private static double[][] matrix(SplittableRandom rnd, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int i = 0; i < cols; i++) {
        row[i] = rnd.nextDouble(-1.5, 1.5);
      }
    }
    return m;
  }

  private static double[] vector(SplittableRandom rnd, int n) {
    return matrix(rnd, 1, n)[0];
  }

  private static double[][] copy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  private static void close(double[] actual, double[] expected) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).isWithin(1e-12 * (1 + Math.abs(expected[i]))).of(expected[i]);
    }
  }

  private static double[] gradient(DifferentiableFunction f, double[] point) {
    double[] g = new double[f.dimension()];
    f.valueAndGradient(point, g);
    return g;
  }

  private static double[] flat(double[][] m) {
    return flat(m, new double[0][]);
  }

  private static double[] flat(double[][] m, double[]... vs) {
    int n = 0;
    for (double[] row : m) {
      n += row.length;
    }
    for (double[] v : vs) {
      n += v.length;
    }
    double[] out = new double[n];
    int at = 0;
    for (double[] row : m) {
      System.arraycopy(row, 0, out, at, row.length);
      at += row.length;
    }
    for (double[] v : vs) {
      System.arraycopy(v, 0, out, at, v.length);
      at += v.length;
    }
    return out;
  }

  @Test
  void rowsChosenByMathFloorMod() {
    SplittableRandom rnd = new SplittableRandom(12);
    for (int trial = 0; trial < 5; trial++) {
      double[][] w = matrix(rnd, 4, 3);
      double[] b = vector(rnd, 4);
      double[] x = vector(rnd, 3);
      DifferentiableFunction helpers = HelpersInLoopsAdjoint.rotatedFunction(w, b, x);
      DifferentiableFunction byHand = HelpersInLoopsAdjoint.rotatedByHandFunction(w, b, x);
      double[] point = flat(w, b, x);
      assertThat(helpers.value(point)).isEqualTo(byHand.value(point));
      close(gradient(helpers, point), gradient(byHand, point));
      GradCheck.defaults().assertGradient(helpers, point);
      HelpersInLoopsAdjoint.RotatedVjp vjp = HelpersInLoopsAdjoint.rotatedVjp(w, b, x);
      HelpersInLoopsAdjoint.RotatedGrad g = vjp.pullback(1.0);
      close(flat(g.w(), g.b(), g.x()), gradient(byHand, point));
    }
  }

  @Test
  void rowsOfAMatrixPassedToAHelperInALoop() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int trial = 0; trial < 10; trial++) {
      double[][] w = matrix(rnd, 5, 3);
      double[] b = vector(rnd, 5);
      double[] x = vector(rnd, 3);
      double[][] w0 = copy(w);
      double[] b0 = b.clone();
      double[] x0 = x.clone();
      DifferentiableFunction helpers = HelpersInLoopsAdjoint.layerFunction(w, b, x);
      DifferentiableFunction byHand = HelpersInLoopsAdjoint.layerByHandFunction(w, b, x);
      double[] point = flat(w, b, x);
      assertThat(helpers.value(point)).isEqualTo(byHand.value(point));
      close(gradient(helpers, point), gradient(byHand, point));
      GradCheck.defaults().assertGradient(helpers, point);

      HelpersInLoopsAdjoint.LayerGrad g = HelpersInLoopsAdjoint.layerGrad(w, b, x);
      double[] grad = flat(g.w(), g.b(), g.x());
      close(grad, gradient(byHand, point));
      HelpersInLoopsAdjoint.LayerVjp vjp = HelpersInLoopsAdjoint.layerVjp(w, b, x);
      HelpersInLoopsAdjoint.LayerGrad first = vjp.pullback(1.0);
      HelpersInLoopsAdjoint.LayerGrad second = vjp.pullback(1.0);
      Rounding.assertSameToRounding(flat(first.w(), first.b(), first.x()), grad);
      assertThat(flat(second.w(), second.b(), second.x())).usingExactEquality()
          .containsExactly(flat(first.w(), first.b(), first.x())).inOrder();
      HelpersInLoopsAdjoint.LayerWorkspace ws = HelpersInLoopsAdjoint.layerWorkspace();
      for (int again = 0; again < 2; again++) {
        assertThat(ws.valueAndGrad(w, b, x)).isEqualTo(vjp.value());
        assertThat(flat(ws.w(), ws.b(), ws.x())).usingExactEquality()
            .containsExactly(grad).inOrder();
      }
      assertThat(w).isEqualTo(w0);
      assertThat(b).isEqualTo(b0);
      assertThat(x).isEqualTo(x0);
    }
  }

  @Test
  void rowsOverwrittenAfterTheCallsInANestedLoopThroughAnIndexArray() {
    SplittableRandom rnd = new SplittableRandom(12);
    for (int trial = 0; trial < 10; trial++) {
      double[][] w = matrix(rnd, 4, 2);
      double[] x = vector(rnd, 2);
      if (trial % 3 == 0) {
        w[1][0] = 2.5; // clipped's other branch for that row: r[0] > 2
        x[0] = 1.1;
      }
      double[][] w0 = copy(w);
      double[] x0 = x.clone();
      DifferentiableFunction helpers = HelpersInLoopsAdjoint.overwrittenFunction(w, x);
      DifferentiableFunction byHand = HelpersInLoopsAdjoint.overwrittenByHandFunction(w, x);
      double[] point = flat(w, x);
      assertThat(helpers.value(point)).isEqualTo(byHand.value(point));
      double[] expected = gradient(byHand, point);
      close(gradient(helpers, point), expected);
      GradCheck.defaults().assertGradient(helpers, point);

      HelpersInLoopsAdjoint.OverwrittenVjp vjp = HelpersInLoopsAdjoint.overwrittenVjp(w, x);
      HelpersInLoopsAdjoint.OverwrittenGrad first = vjp.pullback(1.0);
      HelpersInLoopsAdjoint.OverwrittenGrad second = vjp.pullback(1.0);
      close(flat(first.w(), first.x()), expected);
      assertThat(flat(second.w(), second.x())).usingExactEquality()
          .containsExactly(flat(first.w(), first.x())).inOrder();
      HelpersInLoopsAdjoint.OverwrittenWorkspace ws = HelpersInLoopsAdjoint.overwrittenWorkspace();
      for (int again = 0; again < 2; again++) {
        ws.valueAndGrad(w, x);
        assertThat(flat(ws.w(), ws.x())).usingExactEquality()
            .containsExactly(flat(first.w(), first.x())).inOrder();
      }
      assertThat(w).isEqualTo(w0);
      assertThat(x).isEqualTo(x0);
    }
  }

  @Test
  void aHelperReturningANewArrayPerSample() {
    SplittableRandom rnd = new SplittableRandom(13);
    for (int trial = 0; trial < 10; trial++) {
      double[][] w = matrix(rnd, 4, 3);
      double[] v = vector(rnd, 4);
      double[][] xs = matrix(rnd, 5, 3);
      double[][] w0 = copy(w);
      double[][] xs0 = copy(xs);
      DifferentiableFunction helpers = HelpersInLoopsAdjoint.perSampleFunction(w, v, xs);
      DifferentiableFunction byHand = HelpersInLoopsAdjoint.perSampleByHandFunction(w, v, xs);
      double[] point = flat(w, v, flat(xs));
      assertThat(helpers.value(point)).isEqualTo(byHand.value(point));
      double[] expected = gradient(byHand, point);
      close(gradient(helpers, point), expected);
      GradCheck.defaults().assertGradient(helpers, point);

      HelpersInLoopsAdjoint.PerSampleVjp vjp = HelpersInLoopsAdjoint.perSampleVjp(w, v, xs);
      HelpersInLoopsAdjoint.PerSampleGrad first = vjp.pullback(1.0);
      HelpersInLoopsAdjoint.PerSampleGrad second = vjp.pullback(1.0);
      double[] grad = flat(first.w(), first.v(), flat(first.xs()));
      close(grad, expected);
      assertThat(flat(second.w(), second.v(), flat(second.xs()))).usingExactEquality()
          .containsExactly(grad).inOrder();
      HelpersInLoopsAdjoint.PerSampleWorkspace ws = HelpersInLoopsAdjoint.perSampleWorkspace();
      for (int again = 0; again < 2; again++) {
        ws.valueAndGrad(w, v, xs);
        assertThat(flat(ws.w(), ws.v(), flat(ws.xs()))).usingExactEquality()
            .containsExactly(grad).inOrder();
      }
      assertThat(w).isEqualTo(w0);
      assertThat(xs).isEqualTo(xs0);
    }
  }
}
