package dev.adjoint.benchmarks;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The baselines are right: every hand-written adjoint the benchmarks time gives the generated
 * value and gradient to 1e-10 relative, at a few seeded points of the benchmarked sizes; the
 * workspace form gives the allocating form's; central differences approximate the gradient.
 */
class HandWrittenAdjointsTest {
  private static final long[] SEEDS = {1, 2, 3};
  private static final double RELATIVE = 1e-10;

  /**
   * |actual - expected| within {@code tolerance} times |expected|, element by element (times the
   * smallest normal double where |expected| is subnormal: a gradient that underflows to 5e-324 in
   * one order of operations may underflow to 0 in another).
   */
  private static void assertClose(
      String what, double[] actual, double[] expected, double tolerance) {
    assertWithMessage(what + ": length").that(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertWithMessage("%s[%s]", what, i)
          .that(actual[i])
          .isWithin(tolerance * Math.max(Math.abs(expected[i]), Double.MIN_NORMAL))
          .of(expected[i]);
    }
  }

  private static void assertClose(String what, double actual, double expected, double tolerance) {
    assertClose(what, new double[] {actual}, new double[] {expected}, tolerance);
  }

  /**
   * Central differences against the gradient: within 1e-5 relative, or 1e-6 of the gradient's
   * largest component (rounding in f(x + h) - f(x - h) is absolute: about eps |f| / h).
   */
  private static void assertApproximates(String what, double[] differences, double[] gradient) {
    double largest = 0;
    for (double gi : gradient) {
      largest = Math.max(largest, Math.abs(gi));
    }
    for (int i = 0; i < gradient.length; i++) {
      assertWithMessage("%s[%s]", what, i)
          .that(differences[i])
          .isWithin(1e-5 * Math.abs(gradient[i]) + 1e-6 * largest)
          .of(gradient[i]);
    }
  }

  @Test
  void rosenbrock() {
    for (int n : new int[] {10, 1000, 100_000}) {
      for (long seed : SEEDS) {
        double[] x = Inputs.rosenbrockPoint(n, seed);
        RosenbrockAdjoint.RosenbrockValueAndGrad generated =
            RosenbrockAdjoint.rosenbrockValueAndGrad(x);
        double[] g = new double[n];
        double value = Rosenbrock.valueAndGradient(x, g);
        String where = "rosenbrock n=" + n + " seed=" + seed;
        assertClose(where + " value", value, generated.value(), RELATIVE);
        assertClose(where + " gradient", g, generated.grad().x(), RELATIVE);
        RosenbrockAdjoint.RosenbrockWorkspace workspace = RosenbrockAdjoint.rosenbrockWorkspace();
        assertClose(where + " workspace value", workspace.valueAndGrad(x), value, RELATIVE);
        assertClose(where + " workspace gradient", workspace.x(), g, RELATIVE);
        // Forward mode by hand, generated, and in the generated workspace: the same tangent.
        double[] v = Inputs.rosenbrockPoint(n, seed + 1);
        double[] tangent = new double[1];
        assertClose(where + " hand jvp value", Rosenbrock.jvp(x, v, tangent), value, RELATIVE);
        double dot = 0;
        double scale = 0; // the sum's terms in magnitude: the three orders round differently
        for (int i = 0; i < n; i++) {
          dot += g[i] * v[i];
          scale += Math.abs(g[i] * v[i]);
        }
        assertWithMessage(where + " hand jvp tangent").that(tangent[0])
            .isWithin(RELATIVE * scale).of(dot);
        RosenbrockAdjoint.RosenbrockJvp jvp = RosenbrockAdjoint.rosenbrockJvp(x, v);
        assertWithMessage(where + " jvp tangent").that(jvp.tangent())
            .isWithin(RELATIVE * scale).of(tangent[0]);
        RosenbrockAdjoint.RosenbrockJvpWorkspace forward = RosenbrockAdjoint.rosenbrockJvpWorkspace();
        assertClose(where + " jvp workspace value", forward.jvp(x, v), jvp.value(), 0);
        assertClose(where + " jvp workspace tangent", forward.tangent(), jvp.tangent(), 0);
      }
    }
  }

  @Test
  void logisticRegression() {
    for (long seed : SEEDS) {
      Inputs.Logistic data = Inputs.Logistic.draw(seed);
      LogisticRegressionAdjoint.LossValueAndGrad generated =
          LogisticRegressionAdjoint.lossValueAndGrad(data.w(), data.x(), data.y());
      double[] g = new double[data.w().length];
      double value = LogisticRegression.valueAndGradient(data.w(), data.x(), data.y(), g);
      String where = "logistic seed=" + seed;
      assertClose(where + " value", value, generated.value(), RELATIVE);
      assertClose(where + " gradient", g, generated.grad().w(), RELATIVE);
      LogisticRegressionAdjoint.LossWorkspace workspace = LogisticRegressionAdjoint.lossWorkspace();
      assertClose(where + " workspace value",
          workspace.valueAndGrad(data.w(), data.x(), data.y()), value, RELATIVE);
      assertClose(where + " workspace gradient", workspace.w(), g, RELATIVE);
    }
  }

  @Test
  void scalarChainLoop() {
    for (long seed : SEEDS) {
      Inputs.Chain c = Inputs.Chain.draw(seed);
      int steps = Inputs.CHAIN_STEPS;
      ScalarChainAdjoint.LoopValueAndGrad generated =
          ScalarChainAdjoint.loopValueAndGrad(c.x(), c.a(), c.b(), steps);
      double[] g = new double[3];
      double value =
          ScalarChain.loopValueAndGradient(c.x(), c.a(), c.b(), steps, new double[2 * steps], g);
      String where = "chain loop seed=" + seed;
      assertClose(where + " value", value, generated.value(), RELATIVE);
      assertClose(where + " gradient", g,
          new double[] {generated.grad().x(), generated.grad().a(), generated.grad().b()},
          RELATIVE);
      ScalarChainAdjoint.LoopWorkspace workspace = ScalarChainAdjoint.loopWorkspace();
      assertClose(where + " workspace value",
          workspace.valueAndGrad(c.x(), c.a(), c.b(), steps), value, RELATIVE);
      assertClose(where + " workspace gradient",
          new double[] {workspace.x(), workspace.a(), workspace.b()}, g, RELATIVE);
    }
  }

  @Test
  void scalarChainStraight() {
    for (long seed : SEEDS) {
      Inputs.Chain c = Inputs.Chain.draw(seed);
      ScalarChainAdjoint.StraightValueAndGrad generated =
          ScalarChainAdjoint.straightValueAndGrad(c.x(), c.a(), c.b());
      double[] g = new double[3];
      double value = ScalarChain.straightValueAndGradient(c.x(), c.a(), c.b(), g);
      String where = "chain straight seed=" + seed;
      assertThat(ScalarChain.straight(c.x(), c.a(), c.b()))
          .isEqualTo(ScalarChain.loop(c.x(), c.a(), c.b(), 10));
      assertClose(where + " value", value, generated.value(), RELATIVE);
      assertClose(where + " gradient", g,
          new double[] {generated.grad().x(), generated.grad().a(), generated.grad().b()},
          RELATIVE);
      ScalarChainAdjoint.StraightWorkspace workspace = ScalarChainAdjoint.straightWorkspace();
      assertClose(where + " workspace value",
          workspace.valueAndGrad(c.x(), c.a(), c.b()), value, RELATIVE);
      assertClose(where + " workspace gradient",
          new double[] {workspace.x(), workspace.a(), workspace.b()}, g, RELATIVE);
    }
  }

  @Test
  void denseLayer() {
    for (long seed : SEEDS) {
      Inputs.Dense d = Inputs.Dense.draw(seed);
      DenseLayerAdjoint.LossValueAndGrad generated =
          DenseLayerAdjoint.lossValueAndGrad(d.w(), d.bias(), d.x(), d.y());
      double[] g = new double[d.w().length];
      double value = DenseLayer.valueAndGradient(d.w(), d.bias(), d.x(), d.y(), g);
      String where = "dense seed=" + seed;
      assertClose(where + " value", value, generated.value(), RELATIVE);
      assertClose(where + " gradient", g, generated.grad().w(), RELATIVE);
      DenseLayerAdjoint.LossWorkspace workspace = DenseLayerAdjoint.lossWorkspace();
      assertClose(where + " workspace value",
          workspace.valueAndGrad(d.w(), d.bias(), d.x(), d.y()), value, RELATIVE);
      assertClose(where + " workspace gradient", workspace.w(), g, RELATIVE);
    }
  }

  @Test
  void denseLayerOnMatrices() {
    for (long seed : SEEDS) {
      Inputs.Dense d = Inputs.Dense.draw(seed);
      double[][] w = d.wMatrix();
      double[][] x = d.xMatrix();
      double[][] y = d.yMatrix();
      DenseLayerAdjoint.MatrixLossValueAndGrad generated =
          DenseLayerAdjoint.matrixLossValueAndGrad(w, d.bias(), x, y);
      double[][] g = new double[Inputs.DENSE_OUT][Inputs.DENSE_IN];
      double value = DenseLayer.matrixValueAndGradient(w, d.bias(), x, y, g);
      String where = "dense matrices seed=" + seed;
      assertThat(value).isEqualTo(DenseLayer.loss(d.w(), d.bias(), d.x(), d.y()));
      assertClose(where + " value", value, generated.value(), RELATIVE);
      DenseLayerAdjoint.MatrixLossWorkspace workspace = DenseLayerAdjoint.matrixLossWorkspace();
      assertClose(where + " workspace value",
          workspace.valueAndGrad(w, d.bias(), x, y), value, RELATIVE);
      double[] flat = new double[d.w().length];
      DenseLayer.valueAndGradient(d.w(), d.bias(), d.x(), d.y(), flat);
      for (int o = 0; o < Inputs.DENSE_OUT; o++) {
        assertClose(where + " gradient row " + o, g[o], generated.grad().w()[o], RELATIVE);
        assertClose(where + " workspace gradient row " + o, workspace.w()[o], g[o], RELATIVE);
        assertClose(where + " flat gradient row " + o,
            Arrays.copyOfRange(flat, o * Inputs.DENSE_IN, (o + 1) * Inputs.DENSE_IN), g[o], 0);
      }
    }
  }

  @Test
  void europeanCall() {
    for (long seed : SEEDS) {
      Inputs.Call c = Inputs.Call.draw(seed);
      EuropeanCallAdjoint.PriceValueAndGrad generated = EuropeanCallAdjoint.priceValueAndGrad(
          c.spot(), c.vol(), c.rate(), c.maturity(), c.strike(), c.normals());
      double[] greeks = new double[2];
      double value = EuropeanCall.priceAndGreeks(
          c.spot(), c.vol(), c.rate(), c.maturity(), c.strike(), c.normals(),
          new double[Inputs.PATHS], greeks);
      String where = "call seed=" + seed;
      assertClose(where + " value", value, generated.value(), RELATIVE);
      assertClose(where + " greeks", greeks,
          new double[] {generated.grad().spot(), generated.grad().vol()}, RELATIVE);
      EuropeanCallAdjoint.PriceWorkspace workspace = EuropeanCallAdjoint.priceWorkspace();
      assertClose(where + " workspace value", workspace.valueAndGrad(
          c.spot(), c.vol(), c.rate(), c.maturity(), c.strike(), c.normals()), value, RELATIVE);
      assertClose(where + " workspace greeks",
          new double[] {workspace.spot(), workspace.vol()}, greeks, RELATIVE);
    }
  }

  /** The Monte Carlo price and delta near Black-Scholes' closed form (10 000 paths: 2%). */
  @Test
  void europeanCallNearBlackScholes() {
    Inputs.Call c = Inputs.Call.draw(1);
    double[] greeks = new double[2];
    double price = EuropeanCall.priceAndGreeks(
        c.spot(), c.vol(), c.rate(), c.maturity(), c.strike(), c.normals(),
        new double[Inputs.PATHS], greeks);
    double sqrtT = Math.sqrt(c.maturity());
    double d1 = (Math.log(c.spot() / c.strike())
        + (c.rate() + 0.5 * c.vol() * c.vol()) * c.maturity()) / (c.vol() * sqrtT);
    double d2 = d1 - c.vol() * sqrtT;
    double exact = c.spot() * normalCdf(d1)
        - c.strike() * Math.exp(-c.rate() * c.maturity()) * normalCdf(d2);
    assertThat(price).isWithin(0.02 * exact).of(exact);
    assertThat(greeks[0]).isWithin(0.02).of(normalCdf(d1));
  }

  /** The central differences the benchmarks time approximate the gradient. */
  @Test
  void finiteDifferences() {
    double[] x = Inputs.rosenbrockPoint(1000, 1);
    double[] fd = new double[x.length];
    FiniteDifferences.central(Rosenbrock::rosenbrock, x, fd);
    assertThat(x).usingExactEquality().containsExactly(Inputs.rosenbrockPoint(1000, 1)).inOrder();
    assertApproximates("rosenbrock", fd, RosenbrockAdjoint.rosenbrockGrad(x).x());

    Inputs.Logistic data = Inputs.Logistic.draw(1);
    double[] fdW = new double[data.w().length];
    FiniteDifferences.central(w -> LogisticRegression.loss(w, data.x(), data.y()), data.w(), fdW);
    assertApproximates("logistic", fdW,
        LogisticRegressionAdjoint.lossGrad(data.w(), data.x(), data.y()).w());

    Inputs.Chain c = Inputs.Chain.draw(1);
    double[] fdChain = new double[3];
    FiniteDifferences.central(p -> ScalarChain.loop(p[0], p[1], p[2], Inputs.CHAIN_STEPS),
        new double[] {c.x(), c.a(), c.b()}, fdChain);
    ScalarChainAdjoint.LoopGrad chain =
        ScalarChainAdjoint.loopGrad(c.x(), c.a(), c.b(), Inputs.CHAIN_STEPS);
    assertApproximates("chain", fdChain, new double[] {chain.x(), chain.a(), chain.b()});
  }

  private static double normalCdf(double x) {
    // Abramowitz and Stegun 26.2.17, absolute error below 7.5e-8.
    double t = 1 / (1 + 0.2316419 * Math.abs(x));
    double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937
        + t * (-1.821255978 + t * 1.330274429))));
    double upper = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) * poly;
    return x >= 0 ? 1 - upper : upper;
  }
}
