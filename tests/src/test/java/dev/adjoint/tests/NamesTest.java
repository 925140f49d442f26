package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * User names that generated code names too ({@link Names}): the generated code compiles (this
 * class would not otherwise), and its gradients agree with central differences in every form.
 */
final class NamesTest {

  /** The central-difference gradient of {@code f} at {@code p}. */
  private static double[] numeric(ToDoubleFunction<double[]> f, double[] p) {
    double[] g = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      double h = 1e-6 * Math.max(1, Math.abs(p[i]));
      double[] up = p.clone();
      double[] down = p.clone();
      up[i] += h;
      down[i] -= h;
      g[i] = (f.applyAsDouble(up) - f.applyAsDouble(down)) / (2 * h);
    }
    return g;
  }

  private static void assertGradient(double[] actual, double[] expected) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).isWithin(1e-6 * Math.max(1, Math.abs(expected[i]))).of(expected[i]);
    }
  }

  private static double[] concat(double[]... parts) {
    int n = 0;
    for (double[] part : parts) {
      n += part.length;
    }
    double[] out = new double[n];
    int at = 0;
    for (double[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  /**
   * everything(java, dev, Tape, value, hashCode, toString_, wait) over the point (java[0..2],
   * dev, Tape[0..2], hashCode, toString_, wait), with value bound.
   */
  private static double everything(double[] p, double[] value) {
    return Names.everything(new double[] {p[0], p[1], p[2]}, p[3],
        new double[] {p[4], p[5], p[6]}, value, p[7], p[8], p[9]);
  }

  @Test
  void everythingAtOnceGivesTheNumericGradientInEveryForm() {
    Random r = new Random(91);
    for (int trial = 0; trial < 10; trial++) {
      double[] p = new double[10];
      for (int i = 0; i < p.length; i++) {
        p[i] = r.nextDouble() * 2 - 1;
      }
      double[] value = {r.nextDouble(), r.nextDouble(), r.nextDouble()};
      double[] expected = numeric(q -> everything(q, value), p);
      double[] java = {p[0], p[1], p[2]};
      double[] tape = {p[4], p[5], p[6]};
      var grad = NamesAdjoint.everythingGrad(java, p[3], tape, value, p[7], p[8], p[9]);
      double[] flat = concat(grad.java(), new double[] {grad.dev()}, grad.Tape(),
          new double[] {grad.hashCode_(), grad.toString__(), grad.wait_()});
      assertGradient(flat, expected);
      var vg = NamesAdjoint.everythingValueAndGrad(java, p[3], tape, value, p[7], p[8], p[9]);
      assertThat(vg.value()).isEqualTo(everything(p, value));
      assertThat(vg.grad().java()).isEqualTo(grad.java());
      assertThat(vg.grad().wait_()).isEqualTo(grad.wait_());
      var vjp = NamesAdjoint.everythingVjp(java, p[3], tape, value, p[7], p[8], p[9]);
      assertThat(vjp.value()).isEqualTo(everything(p, value));
      var pulled = vjp.pullback(1.0);
      Rounding.assertSameToRounding(pulled.java(), grad.java());
      Rounding.assertSameToRounding(pulled.Tape(), grad.Tape());
      Rounding.assertSameToRounding(new double[] {pulled.toString__()},
          new double[] {grad.toString__()});
      var ws = NamesAdjoint.everythingWorkspace();
      assertThat(ws.valueAndGrad(java, p[3], tape, value, p[7], p[8], p[9]))
          .isEqualTo(everything(p, value));
      assertThat(ws.java()).isEqualTo(grad.java());
      assertThat(ws.Tape()).isEqualTo(grad.Tape());
      assertThat(ws.dev()).isEqualTo(grad.dev());
      assertThat(ws.hashCode_()).isEqualTo(grad.hashCode_());
      assertThat(ws.toString__()).isEqualTo(grad.toString__());
      assertThat(ws.wait_()).isEqualTo(grad.wait_());
    }
  }

  @Test
  void aRuleWithParametersNamedLikeItsVjpsMembersGivesTheNumericGradient() {
    double[] x = {0.5, -1};
    double[] b = {2, 3};
    double[] expected = numeric(
        q -> Names.rule(new double[] {q[0], q[1]}, q[2], new double[] {q[3], q[4]}, q[5]),
        new double[] {0.5, -1, 1.5, 2, 3, 0.25});
    var grad = NamesAdjoint.ruleGrad(x, 1.5, b, 0.25);
    assertGradient(concat(grad.x(), new double[] {grad.xLength()}, grad.Buffers(),
        new double[] {grad.owned()}), expected);
    var ws = NamesAdjoint.ruleWorkspace();
    ws.valueAndGrad(x, 1.5, b, 0.25);
    assertThat(ws.Buffers()).isEqualTo(grad.Buffers());
  }

  @Test
  void scalarsNamedLikeTheFunctionObjectsMembersPassGradCheck() {
    var f = NamesAdjoint.scalarsFunction(0.75);
    GradCheck.defaults().assertGradient(f, 0.5, -1, 2, 0.3, 1.5, -0.5);
    var g = NamesAdjoint.scalarsGrad(0.5, -1, 2, 0.3, 1.5, -0.5, 0.75);
    assertThat(g.getClass_()).isWithin(1e-15).of(-0.5 * 0.75);
    assertThat(g.notify_()).isWithin(1e-15).of(1.5 * 0.75);
    var ws = NamesAdjoint.scalarsWorkspace();
    ws.valueAndGrad(0.5, -1, 2, 0.3, 1.5, -0.5, 0.75);
    assertThat(ws.valueAndGrad()).isEqualTo(g.valueAndGrad());
  }

  @Test
  void anArrayAndABoundParameterNamedDimensionPassGradCheck() {
    GradCheck.defaults().assertGradient(NamesAdjoint.oneArrayFunction(3, 2.5), 1, -2, 0.5);
    assertThat(NamesAdjoint.oneArrayGrad(new double[] {1, -2, 0.5}, 2.5).check())
        .usingTolerance(1e-15).containsExactly(5.0, -10.0, 2.5).inOrder();
  }
}
