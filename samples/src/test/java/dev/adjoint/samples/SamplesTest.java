package dev.adjoint.samples;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.GradCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The numbers the samples print, against the reference tutorial and closed forms. */
class SamplesTest {

  @Test
  void referenceTutorialRuleAndBodyAgree() {
    double x = 2.0;
    double y = Math.PI / 2;
    ReferenceTutorialAdjoint.LossValueAndGrad rule = ReferenceTutorial.withRule(x, y);
    ReferenceTutorialAdjoint.LossFromBodyValueAndGrad body = ReferenceTutorial.derived(x, y);
    assertThat(rule.value()).isEqualTo(4.0);
    assertThat(rule.grad().x()).isWithin(1e-12).of(4.0); // 2 x sin²y
    assertThat(rule.grad().y()).isWithin(1e-12).of(0.0); // 2 x² sin y cos y
    assertThat(body.value()).isEqualTo(rule.value());
    assertThat(body.grad().x()).isWithin(1e-15).of(rule.grad().x());
    assertThat(body.grad().y()).isWithin(1e-15).of(rule.grad().y());
    ReferenceTutorialAdjoint.FGrad fromBody = ReferenceTutorialAdjoint.FromBody.fGrad(0.3, 1.1);
    assertThat(fromBody.x()).isWithin(1e-15).of(Math.sin(1.1));
    assertThat(fromBody.y()).isWithin(1e-15).of(0.3 * Math.cos(1.1));
  }

  @Test
  void stableRuleAgainstTheDerivedGradient() {
    double[] expected = {0.7310585786300049, 0.9999999999999993, 1.0, 1.0};
    for (int i = 0; i < StableSoftplus.POINTS.length; i++) {
      assertThat(StableSoftplus.ruleGradient(StableSoftplus.POINTS[i])).isEqualTo(expected[i]);
    }
    // e^x / (1 + e^x), computed as (1 / (1 + e)) * e: within one ulp of the rounded sigmoid.
    assertThat(StableSoftplus.derivedGradient(1)).isWithin(Math.ulp(0.73)).of(0.7310585786300049);
    assertThat(StableSoftplus.derivedGradient(35)).isEqualTo(0.9999999999999993);
    assertThat(StableSoftplus.derivedGradient(100)).isEqualTo(1.0);
    assertThat(StableSoftplus.derivedGradient(1000)).isNaN(); // exp overflows: inf / inf
  }

  /** One @Jvp rule gives both modes, stable where the body's derivative overflows. */
  @Test
  void jvpRuleInBothModes() {
    double[] sigmoid = {0.7310585786300049, 0.9999999999999993, 1.0, 1.0};
    for (int i = 0; i < StableSoftplusJvp.POINTS.length; i++) {
      double x = StableSoftplusJvp.POINTS[i];
      assertThat(StableSoftplusJvp.ruleTangent(x)).isEqualTo(sigmoid[i]);
      assertThat(StableSoftplusJvp.ruleGradient(x)).isEqualTo(sigmoid[i]);
      assertThat(StableSoftplusJvpAdjoint.log1pexpVjp(x).value())
          .isEqualTo(StableSoftplusJvp.log1pexp(x));
    }
    assertThat(StableSoftplusJvp.bodyTangent(1)).isWithin(Math.ulp(0.73)).of(sigmoid[0]);
    assertThat(StableSoftplusJvp.bodyTangent(1000)).isNaN(); // exp overflows: inf / inf
  }

  @Test
  void clippingDiffersFromTheTrueDerivativeOnlyWhereItClips() {
    for (double x : new double[] {-4, 0, 2.5, 2.9, 3, 3.25, 3.5, 10}) {
      double truth = 2 * (x - 3);
      assertThat(GradientClippingAdjoint.lossGrad(x).x()).isWithin(1e-12).of(truth);
      assertThat(GradientClippingAdjoint.clippedLossGrad(x).x())
          .isWithin(1e-12).of(Math.max(-1, Math.min(1, truth)));
    }
  }

  @Test
  void gradCheckPassesEveryRuleButTheDeliberateOne() {
    RuleCheck.Outcome[] outcomes = RuleCheck.all();
    assertThat(outcomes[0].passed()).isTrue();
    assertThat(outcomes[1].passed()).isTrue();
    assertThat(outcomes[2].passed()).isTrue(); // the @Jvp rule: both modes, and jvp against grad
    assertThat(outcomes[3].passed()).isFalse();
    assertThat(outcomes[0].maxRelativeError()).isLessThan(1e-5);
  }

  @Test
  void mainPrintsEveryTable() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      Samples.main(new String[0]);
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("== Custom VJP");
    assertThat(out).contains("== Stable log(1 + e^x)");
    assertThat(out).contains("== Gradient clipping");
    assertThat(out).contains("== GradCheck over every custom rule");
    assertThat(out).contains("== Rosenbrock, N = 10, Newton-CG");
    assertThat(out).contains("== Curve fit");
    assertThat(out).contains("== Two spirals");
  }

  @Test
  void implicitSqrtRuleGivesTheDerivativeOfTheRoot() {
    for (double a : ImplicitSqrt.POINTS) {
      double exact = 0.5 / Math.sqrt(a);
      assertThat(ImplicitSqrtAdjoint.newtonSqrtGrad(a).a()).isWithin(2e-16 * exact / 0.5)
          .of(exact);
      // Differentiating through every Newton step converges to the same derivative.
      assertThat(ImplicitSqrtAdjoint.FromBody.newtonSqrtGrad(a).a()).isWithin(1e-12 * exact)
          .of(exact);
    }
    ImplicitSqrtAdjoint.HypotenuseGrad g = ImplicitSqrtAdjoint.hypotenuseGrad(3, 4);
    assertThat(g.a()).isWithin(1e-15).of(0.6);
    assertThat(g.b()).isWithin(1e-15).of(0.8);
    for (double a : new double[] {0.3, 1.7, 42}) {
      dev.adjoint.runtime.GradCheck.defaults()
          .assertGradient(ImplicitSqrtAdjoint.newtonSqrtFunction(), a);
    }
  }

  @Test
  void rosenbrockDescentReachesTheMinimum() {
    int[] report = {0, 10, 100, 1000, 5000, Rosenbrock.STEPS};
    double[] values = new double[report.length];
    double[] x = Rosenbrock.minimise(new double[Rosenbrock.DIMENSION], report, values);
    assertThat(values[0]).isWithin(1e-9).of(2057.0); // 4.4 + 1 + 4.84 ... at (-1.2, 1, ...)
    for (int i = 1; i < values.length; i++) {
      assertThat(values[i]).isLessThan(values[i - 1]);
    }
    assertThat(values[values.length - 1]).isLessThan(1e-8);
    for (double xi : x) {
      assertThat(xi).isWithin(1e-4).of(1.0);
    }
  }

  /**
   * Newton-CG reaches the minimum to 1e-8 in far fewer iterations than gradient descent's 20 000
   * steps, and the Hessian-vector products it uses are central differences of the gradient.
   */
  @Test
  void newtonCgReachesTheMinimumInFewIterations() {
    NewtonCg.Result result = NewtonCg.minimise();
    for (double xi : result.x()) {
      assertThat(xi).isWithin(1e-8).of(1.0);
    }
    assertThat(result.history().get(0).value()).isWithin(1e-9).of(2057.0);
    assertThat(result.iterations()).isAtMost(150); // 119 measured (120 gradients)
    assertThat(result.hvps()).isAtMost(450); // 349 measured
    // Gradient descent's 20 000 steps from the same start do not get within 1e-8 (3.4e-6).
    double[] values = new double[1];
    double[] descent = Rosenbrock.minimise(new double[Rosenbrock.DIMENSION],
        new int[] {Rosenbrock.STEPS}, values);
    assertThat(NewtonCg.largestError(descent)).isGreaterThan(1e-8);
    assertThat(result.iterations() * 100).isLessThan(Rosenbrock.STEPS);
    // A tighter forcing term lands in the other, local minimum (f = 3.9866, x_1 = -0.9933).
    NewtonCg.Result capped = NewtonCg.minimise(0.1);
    assertThat(capped.x()[0]).isWithin(0.01).of(-0.9933);
    assertThat(capped.history().get(capped.iterations()).value()).isWithin(1e-3).of(3.9866);
  }

  /** The products Newton-CG uses, at its start point, against central differences of the gradient. */
  @Test
  void newtonCgProductsAreDifferencesOfTheGradient() {
    double[] x = NewtonCg.start();
    RosenbrockAdjoint.RosenbrockHvpAt at = RosenbrockAdjoint.rosenbrockHvpAt(x);
    java.util.Random random = new java.util.Random(12);
    int n = x.length;
    for (int trial = 0; trial < n + 5; trial++) {
      double[] v = new double[n];
      if (trial < n) {
        v[trial] = 1; // the Hessian's columns
      } else {
        for (int i = 0; i < n; i++) {
          v[i] = random.nextGaussian();
        }
      }
      double[] hv = at.apply(v).x();
      double h = 1e-5;
      double[] plus = x.clone();
      double[] minus = x.clone();
      for (int i = 0; i < n; i++) {
        plus[i] += h * v[i];
        minus[i] -= h * v[i];
      }
      double[] gp = RosenbrockAdjoint.rosenbrockGrad(plus).x();
      double[] gm = RosenbrockAdjoint.rosenbrockGrad(minus).x();
      double scale = 0;
      for (double e : hv) {
        scale = Math.max(scale, Math.abs(e));
      }
      for (int i = 0; i < n; i++) {
        assertThat(hv[i]).isWithin(1e-6 * scale).of((gp[i] - gm[i]) / (2 * h));
      }
    }
    // The same with GradCheck: the full Hessian from the products along the unit vectors, and a
    // random-direction dot-product test, against differences of the generated gradient.
    GradCheck check = GradCheck.defaults().withTolerances(1e-6, 1e-6);
    GradCheck.Report report = check.checkHvp(
        RosenbrockAdjoint.rosenbrockFunction(n), (p, v) -> at.apply(v).x(), x);
    assertThat(report.passed()).isTrue();
    assertThat(report.maxRelativeError()).isLessThan(1e-8); // 3.3e-10 measured
    assertThat(report.fullJacobianChecked()).isTrue();
    // And mHvp itself at random points in [-2, 2]^10.
    for (int k = 0; k < 5; k++) {
      double[] point = random.doubles(n, -2, 2).toArray();
      GradCheck.Report r = check.checkHvp(RosenbrockAdjoint.rosenbrockFunction(n),
          (p, v) -> RosenbrockAdjoint.rosenbrockHvp(p, v).hvp().x(), point);
      assertThat(r.passed()).isTrue(); // relative errors 4e-10 to 2.2e-8 measured
    }
  }

  @Test
  void logisticRegressionGradientIsTheClosedFormAndDescentLearns() {
    LogisticRegression.Data data = LogisticRegression.Data.synthetic(2024);
    int d = LogisticRegression.FEATURES;
    double[] w = new double[d + 1];
    java.util.Random random = new java.util.Random(5);
    for (int j = 0; j <= d; j++) {
      w[j] = random.nextGaussian() * 0.3;
    }
    // d/dw of the mean log-loss: (1/n) sum (sigmoid(z) - y) (x, 1).
    double[] expected = new double[d + 1];
    for (int s = 0; s < LogisticRegression.SAMPLES; s++) {
      double z = w[d];
      for (int j = 0; j < d; j++) {
        z += w[j] * data.x()[s * d + j];
      }
      double r = 1 / (1 + Math.exp(-z)) - data.y()[s];
      for (int j = 0; j < d; j++) {
        expected[j] += r * data.x()[s * d + j] / LogisticRegression.SAMPLES;
      }
      expected[d] += r / LogisticRegression.SAMPLES;
    }
    double[] actual = LogisticRegressionAdjoint.lossGrad(w, data.x(), data.y()).w();
    for (int j = 0; j <= d; j++) {
      assertThat(actual[j]).isWithin(1e-12).of(expected[j]);
    }
    double[] fitted = new double[d + 1];
    double[] losses = LogisticRegression.fit(data, fitted);
    assertThat(losses[0]).isWithin(1e-12).of(Math.log(2)); // a sum of 1 000 log 2, rounded
    for (int step = 1; step < losses.length; step++) {
      assertThat(losses[step]).isAtMost(losses[step - 1]);
    }
    assertThat(losses[losses.length - 1]).isLessThan(0.25);
    assertThat(LogisticRegression.accuracy(fitted, data)).isGreaterThan(0.85);
  }

  /**
   * The generated Jacobian is the closed form, and Levenberg-Marquardt with it recovers the
   * curve from noisy samples: the fitted residual's RMS is the noise's deviation.
   */
  @Test
  void curveFitRecoversTheParametersWithTheGeneratedJacobian() {
    double[] t = CurveFit.times();
    double[] p = CurveFit.START;
    double[][] j = CurveFitAdjoint.residualJacobian(p.clone(), t, new double[t.length]);
    for (int i = 0; i < t.length; i++) {
      double e = Math.exp(-p[1] * t[i]);
      double c = Math.cos(p[2] * t[i] + p[3]);
      double s = Math.sin(p[2] * t[i] + p[3]);
      double[] expected = {e * c, -t[i] * p[0] * e * c, -t[i] * p[0] * e * s, -p[0] * e * s};
      for (int k = 0; k < 4; k++) {
        assertThat(j[i][k]).isWithin(1e-12).of(expected[k]);
      }
    }
    // What Hipparchus sees through the adapter: the residual at zero observations and j.
    var pair = CurveFit.model(t).value(new org.hipparchus.linear.ArrayRealVector(p));
    assertThat(pair.getFirst().toArray())
        .isEqualTo(CurveFit.residual(p.clone(), t, new double[t.length]));
    for (int i = 0; i < t.length; i++) {
      assertThat(pair.getSecond().getRow(i)).isEqualTo(j[i]);
    }
    var report = dev.adjoint.runtime.GradCheck.defaults()
        .check(CurveFitAdjoint.residualVectorFunction(4, t.length, t, new double[t.length]), p);
    assertThat(report.passed()).isTrue();
    var optimum = CurveFit.fit(t, CurveFit.observations(t));
    double[] fitted = optimum.getPoint().toArray();
    for (int k = 0; k < 4; k++) {
      assertThat(fitted[k]).isWithin(0.01).of(CurveFit.TRUTH[k]);
    }
    assertThat(optimum.getRMS()).isWithin(0.002).of(CurveFit.NOISE);
    assertThat(optimum.getIterations()).isLessThan(20);
  }

  /** The two-spiral network's parameters as rows: w1's, b1, w2's, b2, in declaration order. */
  private static double[][] rows(double[][] w1, double[] b1, double[][] w2, double[] b2) {
    double[][] rows = new double[w1.length + 1 + w2.length + 1][];
    System.arraycopy(w1, 0, rows, 0, w1.length);
    rows[w1.length] = b1;
    System.arraycopy(w2, 0, rows, w1.length + 1, w2.length);
    rows[rows.length - 1] = b2;
    return rows;
  }

  /** The parameters as one point, row after row. */
  private static double[] flatten(double[][] w1, double[] b1, double[][] w2, double[] b2) {
    double[][] rows = rows(w1, b1, w2, b2);
    double[] point = new double[java.util.Arrays.stream(rows).mapToInt(r -> r.length).sum()];
    int at = 0;
    for (double[] row : rows) {
      System.arraycopy(row, 0, point, at, row.length);
      at += row.length;
    }
    return point;
  }

  /**
   * The generated gradient of the two-spiral network's loss (helpers returning arrays per sample,
   * rows of the data, int labels) against central differences over all 122 parameters, and the
   * workspace's gradient against it; then momentum descent fits the training set.
   */
  @Test
  void twoSpiralNetworkGradientChecksAndTrainingSeparatesTheSpirals() {
    TwoSpirals.Data data = TwoSpirals.Data.spirals(7);
    TwoSpirals.Params p = TwoSpirals.Params.initial(11);
    double[] point = flatten(p.w1(), p.b1(), p.w2(), p.b2());
    assertThat(TwoSpiralsAdjoint.lossFlatten(p)).isEqualTo(point);
    GradCheck.Report report = GradCheck.defaults().check(
        TwoSpiralsAdjoint.lossFunction(p, data.xs(), data.labels()), point);
    assertThat(report.fullJacobianChecked()).isTrue();
    assertThat(report.passed()).isTrue();
    assertThat(report.maxRelativeError()).isLessThan(1e-6);

    TwoSpirals.Params grad = TwoSpiralsAdjoint.lossGrad(p, data.xs(), data.labels()).p();
    TwoSpiralsAdjoint.LossWorkspace workspace = TwoSpiralsAdjoint.lossWorkspace();
    double value = workspace.valueAndGrad(p, data.xs(), data.labels());
    assertThat(value).isEqualTo(TwoSpirals.loss(p, data));
    TwoSpirals.Params fromWorkspace = workspace.p();
    assertThat(flatten(fromWorkspace.w1(), fromWorkspace.b1(), fromWorkspace.w2(),
        fromWorkspace.b2())).isEqualTo(flatten(grad.w1(), grad.b1(), grad.w2(), grad.b2()));

    double[] losses = TwoSpirals.train(p, data);
    assertThat(losses[0]).isWithin(0.05).of(Math.log(2)); // 0.7131: the second layer starts small
    assertThat(losses[TwoSpirals.EPOCHS]).isLessThan(0.15); // 0.0854 measured
    assertThat(TwoSpirals.accuracy(p, data)).isAtLeast(0.95); // 1.0 measured
  }
}
