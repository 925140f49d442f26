package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code @Jvp} rules that call other rules' companions and other classes' {@code gJvp} (linear
 * calls), in both modes: forward mode is the rule as written; reverse mode transposes each linear
 * call through its target's Vjp. Checked against closed forms, central differences and the
 * dot-product test ({@link GradCheck}), and forward against reverse, at seeded points.
 */
final class JvpRuleCallsTest {
  private static final int POINTS = 100;

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static double[] random(Random r, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = 4 * r.nextDouble() - 2;
    }
    return out;
  }

  /** GradCheck's check: differences, the dot-product test, and the JVP against the gradient. */
  private static void passes(DifferentiableFunction f, long seed) {
    Random r = new Random(seed);
    for (int i = 0; i < POINTS; i++) {
      double[] point = random(r, f.dimension());
      GradCheck.Report report = GradCheck.defaults().check(f, point);
      assertThat(report.passed()).isTrue();
    }
  }

  @Test
  void composedRulesPassGradCheck() {
    passes(JvpRuleCallsAdjoint.softplusSinFunction(), 1);
    passes(JvpRuleCallsAdjoint.softplusProductFunction(), 2);
    passes(JvpRuleCallsAdjoint.twoRulesFunction(), 3);
    passes(JvpRuleCallsAdjoint.waveScaledFunction(), 4);
    passes(JvpRuleCallsAdjoint.fOfSquareFunction(), 5);
    passes(JvpRuleCallsAdjoint.scaledNormFunction(4, 1.5), 6);
    passes(JvpRuleCallsAdjoint.shiftedMeanSquareFunction(5), 7);
    passes(JvpRuleCallsAdjoint.timesXFunction(), 8);
    passes(JvpRuleCallsAdjoint.lossFunction(), 9);
    passes(JvpRuleCallsAdjoint.shiftedSoftplusFunction(), 15);
    passes(JvpRuleCallsAdjoint.piecewiseSoftplusFunction(), 16);
  }

  /** A rule that returns another rule's result whole, or a local that keeps it. */
  @Test
  void delegatingRulesInBothModes() {
    Random r = new Random(17);
    for (int i = 0; i < POINTS; i++) {
      double x = 6 * r.nextDouble() - 3;
      assertThat(JvpRuleCallsAdjoint.shiftedSoftplusGrad(x).x())
          .isWithin(1e-15).of(sigmoid(x + 1));
      assertThat(JvpRuleCallsAdjoint.shiftedSoftplusJvp(x, 2.0).tangent())
          .isWithin(1e-15).of(2 * sigmoid(x + 1));
      assertThat(JvpRuleCallsAdjoint.shiftedSoftplusVjp(x).value())
          .isEqualTo(JvpRuleCalls.log1pexpJvp(x + 1, 0.0).value());
      double piecewise = x > 0 ? 3 * sigmoid(3 * x) : sigmoid(x);
      assertThat(JvpRuleCallsAdjoint.piecewiseSoftplusGrad(x).x()).isWithin(1e-15).of(piecewise);
      assertThat(JvpRuleCallsAdjoint.piecewiseSoftplusJvp(x, -1.0).tangent())
          .isWithin(1e-15).of(-piecewise);
    }
  }

  /** softplus(sin x) written through log1pexp's rule: cos(x)·σ(sin x) in both modes. */
  @Test
  void ruleThroughAnotherRuleInBothModes() {
    Random r = new Random(10);
    for (int i = 0; i < POINTS; i++) {
      double x = 6 * r.nextDouble() - 3;
      double expected = Math.cos(x) * sigmoid(Math.sin(x));
      assertThat(JvpRuleCallsAdjoint.softplusSinGrad(x).x()).isWithin(1e-15).of(expected);
      double xDot = r.nextGaussian();
      JvpRuleCallsAdjoint.SoftplusSinJvp jvp = JvpRuleCallsAdjoint.softplusSinJvp(x, xDot);
      assertThat(jvp.tangent()).isWithin(1e-15).of(expected * xDot);
      assertThat(jvp.value()).isEqualTo(JvpRuleCalls.log1pexpJvp(Math.sin(x), 0.0).value());
      assertThat(JvpRuleCallsAdjoint.softplusSinVjp(x).value()).isEqualTo(jvp.value());
    }
  }

  @Test
  void productTwoRulesAndConstantDirectionInBothModes() {
    Random r = new Random(11);
    for (int i = 0; i < POINTS; i++) {
      double x = 4 * r.nextDouble() - 2;
      double y = 4 * r.nextDouble() - 2;
      double s = sigmoid(x * y);
      JvpRuleCallsAdjoint.SoftplusProductGrad g = JvpRuleCallsAdjoint.softplusProductGrad(x, y);
      assertThat(g.x()).isWithin(1e-15).of(y * s);
      assertThat(g.y()).isWithin(1e-15).of(x * s);
      assertThat(JvpRuleCallsAdjoint.softplusProductJvp(x, y, 0.5, -2.0).tangent())
          .isWithin(1e-14).of(0.5 * y * s - 2 * x * s);
      // d/dx [softplus(sin 2x) + softplus(x)] = 2 cos(2x) σ(sin 2x) + σ(x)
      double two = 2 * Math.cos(2 * x) * sigmoid(Math.sin(2 * x)) + sigmoid(x);
      assertThat(JvpRuleCallsAdjoint.twoRulesGrad(x).x()).isWithin(1e-14).of(two);
      assertThat(JvpRuleCallsAdjoint.twoRulesJvp(x, 3.0).tangent()).isWithin(1e-14).of(3 * two);
      // d/dx [softplus(x) x] = σ(x) x + softplus(x)
      double times = sigmoid(x) * x + Math.log1p(Math.exp(x));
      assertThat(JvpRuleCallsAdjoint.timesXGrad(x).x()).isWithin(1e-14).of(times);
      assertThat(JvpRuleCallsAdjoint.timesXJvp(x, -1.0).tangent()).isWithin(1e-14).of(-times);
    }
  }

  /** Linear calls of another class's generated gJvp and of another class's @Jvp companion. */
  @Test
  void otherClassesTargetsInBothModes() {
    Random r = new Random(12);
    for (int i = 0; i < POINTS; i++) {
      double x = 4 * r.nextDouble() - 2;
      double y = 4 * r.nextDouble() - 2;
      JvpRuleCallsAdjoint.WaveScaledGrad w = JvpRuleCallsAdjoint.waveScaledGrad(x, y);
      assertThat(w.x()).isWithin(1e-14).of(3 * (Math.cos(x) * y + 2 * x));
      assertThat(w.y()).isWithin(1e-14).of(3 * Math.sin(x));
      assertThat(JvpRuleCallsAdjoint.waveScaledJvp(x, y, 1.0, 2.0).tangent())
          .isWithin(1e-13).of(w.x() + 2 * w.y());
      assertThat(JvpRuleCallsAdjoint.waveScaledVjp(x, y).value())
          .isEqualTo(3 * JvpRuleCallTargets.wave(x, y));
      // f(x², y) = x² sin y
      JvpRuleCallsAdjoint.FOfSquareGrad f = JvpRuleCallsAdjoint.fOfSquareGrad(x, y);
      assertThat(f.x()).isWithin(1e-14).of(2 * x * Math.sin(y));
      assertThat(f.y()).isWithin(1e-14).of(x * x * Math.cos(y));
      assertThat(JvpRuleCallsAdjoint.fOfSquareJvp(x, y, -1.0, 0.5).tangent())
          .isWithin(1e-13).of(-f.x() + 0.5 * f.y());
    }
  }

  /** Array targets: another class's norm2 (a @NoDiff factor beside) and local arrays. */
  @Test
  void arrayArgumentsInBothModes() {
    Random r = new Random(13);
    for (int i = 0; i < POINTS; i++) {
      double[] v = random(r, 4);
      double[] vDot = random(r, 4);
      double[] g = JvpRuleCallsAdjoint.scaledNormGrad(v, 1.5).v();
      double[] m = JvpRuleCallsAdjoint.shiftedMeanSquareGrad(v).v();
      double dot = 0;
      double dotM = 0;
      for (int k = 0; k < 4; k++) {
        assertThat(g[k]).isWithin(1e-14).of(3 * v[k]);
        assertThat(m[k]).isWithin(1e-14).of(2 * (v[k] + 1) / 4);
        dot += g[k] * vDot[k];
        dotM += m[k] * vDot[k];
      }
      assertThat(JvpRuleCallsAdjoint.scaledNormJvp(v, 1.5, vDot).tangent())
          .isWithin(1e-13).of(dot);
      assertThat(JvpRuleCallsAdjoint.shiftedMeanSquareJvp(v, vDot).tangent())
          .isWithin(1e-13).of(dotM);
      assertThat(JvpRuleCallsAdjoint.shiftedMeanSquareJvp(v, null).tangent()).isEqualTo(0.0);
    }
  }

  /** A rule that calls its own companion recurses in the transpose as deep as in plain Java. */
  @Test
  void recursiveRuleInBothModes() {
    for (double x : new double[] {0.3, -0.9, 1.0, 7.3, -1000.0, 1e6}) {
      assertThat(JvpRuleCallsAdjoint.squareGrad(x).x()).isWithin(1e-12 * Math.abs(x)).of(2 * x);
      assertThat(JvpRuleCallsAdjoint.squareJvp(x, 0.5).tangent())
          .isWithin(1e-12 * Math.abs(x)).of(x);
      assertThat(JvpRuleCallsAdjoint.squareVjp(x).value())
          .isEqualTo(JvpRuleCalls.squareJvp(x, 0.0).value());
    }
  }

  /** A @Differentiable caller through all of them: its gradient against its JVP and differences. */
  @Test
  void differentiableCallerInBothModes() {
    Random r = new Random(14);
    double h = 1e-6;
    for (int i = 0; i < POINTS; i++) {
      double x = 2 * r.nextDouble() - 1;
      double y = 2 * r.nextDouble() - 1;
      JvpRuleCallsAdjoint.LossGrad g = JvpRuleCallsAdjoint.lossGrad(x, y);
      double fx = (JvpRuleCalls.loss(x + h, y) - JvpRuleCalls.loss(x - h, y)) / (2 * h);
      double fy = (JvpRuleCalls.loss(x, y + h) - JvpRuleCalls.loss(x, y - h)) / (2 * h);
      assertThat(g.x()).isWithin(1e-6 * (1 + Math.abs(fx))).of(fx);
      assertThat(g.y()).isWithin(1e-6 * (1 + Math.abs(fy))).of(fy);
      double xDot = r.nextGaussian();
      double yDot = r.nextGaussian();
      JvpRuleCallsAdjoint.LossJvp jvp = JvpRuleCallsAdjoint.lossJvp(x, y, xDot, yDot);
      assertThat(jvp.tangent()).isWithin(1e-12 * (1 + Math.abs(jvp.tangent())))
          .of(g.x() * xDot + g.y() * yDot);
      assertThat(jvp.value()).isEqualTo(JvpRuleCallsAdjoint.lossValueAndGrad(x, y).value());
    }
  }
}
