package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Objects created in differentiable bodies: every generated form against finite differences of
 * the primal with the same seed, closed forms, and forward mode.
 */
final class CreatedObjectsTest {

  private static final double S0 = 105;
  private static final double SIGMA = 0.25;
  private static final double STRIKE = 100;
  private static final double RATE = 0.03;
  private static final double T = 1.5;
  private static final long SEED = 20240601L;
  private static final int PATHS = 2000;

  /** The primal's price as a function of (s0, sigma), by central differences. */
  private static double[] finiteDifferences(double s0, double sigma) {
    double h = 1e-5;
    return new double[] {
      (CreatedObjects.callPrice(s0 + h, sigma, STRIKE, RATE, T, SEED, PATHS)
          - CreatedObjects.callPrice(s0 - h, sigma, STRIKE, RATE, T, SEED, PATHS)) / (2 * h),
      (CreatedObjects.callPrice(s0, sigma + h, STRIKE, RATE, T, SEED, PATHS)
          - CreatedObjects.callPrice(s0, sigma - h, STRIKE, RATE, T, SEED, PATHS)) / (2 * h),
    };
  }

  @Test
  void monteCarloGreeksEqualFiniteDifferencesOfThePrimalWithTheSameSeed() {
    double[] fd = finiteDifferences(S0, SIGMA);
    var vg = CreatedObjectsAdjoint.callPriceValueAndGrad(S0, SIGMA, STRIKE, RATE, T, SEED, PATHS);
    assertThat(vg.value())
        .isEqualTo(CreatedObjects.callPrice(S0, SIGMA, STRIKE, RATE, T, SEED, PATHS));
    assertThat(vg.grad().s0()).isWithin(1e-6 * Math.abs(fd[0])).of(fd[0]);
    assertThat(vg.grad().sigma()).isWithin(1e-6 * Math.abs(fd[1])).of(fd[1]);
    // delta of an in-the-money call is between 0 and 1; vega positive
    assertThat(vg.grad().s0()).isIn(com.google.common.collect.Range.open(0.5, 1.0));
    assertThat(vg.grad().sigma()).isGreaterThan(10.0);
    // strike and rate are differentiable too: d/dK = -e^{-rT} P(S_T > K), in (-1, 0)
    assertThat(vg.grad().strike()).isIn(com.google.common.collect.Range.open(-1.0, 0.0));
  }

  @Test
  void everyFormDrawsThePrimalsNumbers() {
    var grad = CreatedObjectsAdjoint.callPriceGrad(S0, SIGMA, STRIKE, RATE, T, SEED, PATHS);
    double value = CreatedObjects.callPrice(S0, SIGMA, STRIKE, RATE, T, SEED, PATHS);

    var vjp = CreatedObjectsAdjoint.callPriceVjp(S0, SIGMA, STRIKE, RATE, T, SEED, PATHS);
    assertThat(vjp.value()).isEqualTo(value);
    assertThat(vjp.pullback(1.0)).isEqualTo(grad);
    assertThat(vjp.pullback(2.0).s0()).isEqualTo(2 * grad.s0());

    var ws = CreatedObjectsAdjoint.callPriceWorkspace();
    for (int call = 0; call < 3; call++) { // the generator is made anew on every call
      assertThat(ws.valueAndGrad(S0, SIGMA, STRIKE, RATE, T, SEED, PATHS)).isEqualTo(value);
      assertThat(ws.s0()).isEqualTo(grad.s0());
      assertThat(ws.sigma()).isEqualTo(grad.sigma());
    }

    var ds0 = CreatedObjectsAdjoint.callPriceJvp(S0, SIGMA, STRIKE, RATE, T, SEED, PATHS,
        1, 0, 0, 0, 0);
    var dsigma = CreatedObjectsAdjoint.callPriceJvp(S0, SIGMA, STRIKE, RATE, T, SEED, PATHS,
        0, 1, 0, 0, 0);
    assertThat(ds0.value()).isEqualTo(value);
    assertThat(ds0.tangent()).isWithin(1e-12).of(grad.s0());
    assertThat(dsigma.tangent()).isWithin(1e-10).of(grad.sigma());
    var jws = CreatedObjectsAdjoint.callPriceJvpWorkspace();
    for (int call = 0; call < 2; call++) {
      assertThat(jws.jvp(S0, SIGMA, STRIKE, RATE, T, SEED, PATHS, 0, 1, 0, 0, 0))
          .isEqualTo(value);
      assertThat(jws.tangent()).isEqualTo(dsigma.tangent());
    }

    DifferentiableFunction f = CreatedObjectsAdjoint.callPriceFunction(SEED, PATHS);
    assertThat(f.value(new double[] {S0, SIGMA, STRIKE, RATE, T})).isEqualTo(value);
    GradCheck.Report report = GradCheck.defaults().check(f, S0, SIGMA, STRIKE, RATE, T);
    assertThat(report.passed()).isTrue();
  }

  @Test
  void theGradientOfANoisyDotIsTheNoise() {
    Random r = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      long seed = r.nextLong();
      double[] x = new double[1 + r.nextInt(9)];
      double[] z = new double[x.length];
      Random noise = new Random(seed);
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextGaussian();
        z[i] = noise.nextGaussian();
      }
      assertThat(CreatedObjectsAdjoint.noisyDotGrad(x, seed).x()).isEqualTo(z);
      double[] v = new double[x.length];
      double dot = 0;
      for (int i = 0; i < x.length; i++) {
        v[i] = r.nextGaussian();
        dot += v[i] * z[i];
      }
      assertThat(CreatedObjectsAdjoint.noisyDotJvp(x, seed, v).tangent()).isWithin(1e-12).of(dot);
      assertThat(GradCheck.defaults().check(CreatedObjectsAdjoint.noisyDotFunction(x.length, seed),
          x).passed()).isTrue();
    }
  }

  @Test
  void sizesOfObjectsTheBodyBuildsAreConstants() {
    for (int n = 0; n < 13; n += 4) {
      int length = 0;
      for (int i = 0; i < n; i++) {
        length += String.valueOf(i).length() + 1;
      }
      double x = 0.7;
      double y = -1.3;
      var vg = CreatedObjectsAdjoint.loggedValueAndGrad(x, y, n);
      assertThat(vg.value()).isEqualTo(CreatedObjects.logged(x, y, n));
      assertThat(vg.grad().x()).isEqualTo((double) length);
      assertThat(vg.grad().y()).isWithin(1e-12).of(2 * y * n);
      assertThat(CreatedObjectsAdjoint.loggedJvp(x, y, n, 1, 0).tangent())
          .isEqualTo((double) length);
    }
  }

  /**
   * Program (b) as an instance method: its delta is the pathwise estimate e^{-rT}/n Σ 1[S_T > K]
   * S_T / s0 over the same draws, and its gradient is the static form's.
   */
  @Test
  void anInstanceMethodOfTheContractHasThePathwiseGreeks() {
    var option = new CreatedObjects.CallOption(STRIKE, T);
    var g = CreatedObjects_CallOptionAdjoint.priceGrad(option, S0, SIGMA, RATE, SEED, PATHS);
    java.util.Random rnd = new java.util.Random(SEED);
    double delta = 0;
    for (int i = 0; i < PATHS; i++) {
      double z = rnd.nextGaussian();
      double st = S0 * Math.exp((RATE - 0.5 * SIGMA * SIGMA) * T + SIGMA * Math.sqrt(T) * z);
      delta += st > STRIKE ? st / S0 : 0;
    }
    delta *= Math.exp(-RATE * T) / PATHS;
    assertThat(g.s0()).isWithin(1e-12).of(delta);
    var statics = CreatedObjectsAdjoint.callPriceGrad(S0, SIGMA, STRIKE, RATE, T, SEED, PATHS);
    assertThat(g.sigma()).isWithin(1e-12 * Math.abs(statics.sigma())).of(statics.sigma());
    assertThat(g.rate()).isWithin(1e-12 * Math.abs(statics.rate())).of(statics.rate());
    assertThat(CreatedObjects_CallOptionAdjoint.priceValueAndGrad(option, S0, SIGMA, RATE, SEED,
        PATHS).value()).isEqualTo(option.price(S0, SIGMA, RATE, SEED, PATHS));
    assertThat(GradCheck.defaults().check(
        CreatedObjects_CallOptionAdjoint.priceFunction(option, SEED, PATHS), S0, SIGMA, RATE)
        .passed()).isTrue();
  }
}
