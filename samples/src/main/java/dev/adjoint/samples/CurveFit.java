package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.VectorFunction;
import java.io.PrintStream;
import java.util.Random;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresBuilder;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresOptimizer;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LevenbergMarquardtOptimizer;
import org.hipparchus.optim.nonlinear.vector.leastsquares.MultivariateJacobianFunction;
import org.hipparchus.util.Pair;

/**
 * A least-squares fit of a damped oscillation {@code a·exp(−b·t)·cos(c·t + d)} to 200 noisy
 * samples with Hipparchus's Levenberg–Marquardt optimiser, which takes the residuals and their
 * Jacobian at each point: the generated {@code residualVectorFunction}, through a thin adapter.
 * With 4 parameters and 200 residuals, the Jacobian is one forward sweep carrying the four
 * parameters' tangents, not 200 pullbacks.
 */
public final class CurveFit {
  private CurveFit() {}

  static final double[] TRUTH = {1.3, 0.4, 2.1, -0.3};
  static final double[] START = {1.0, 0.3, 2.0, 0.0};
  static final double NOISE = 0.01;
  static final int SAMPLES = 200;

  @Differentiable
  static double[] residual(double[] p, @NoDiff double[] t, @NoDiff double[] observed) {
    double[] r = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      r[i] = p[0] * Math.exp(-p[1] * t[i]) * Math.cos(p[2] * t[i] + p[3]) - observed[i];
    }
    return r;
  }

  /** The sample times, 0 to 5. */
  static double[] times() {
    double[] t = new double[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      t[i] = 5.0 * i / SAMPLES;
    }
    return t;
  }

  /** The true curve at {@code t} plus Gaussian noise of deviation {@link #NOISE} (seeded). */
  static double[] observations(double[] t) {
    Random random = new Random(2026);
    double[] zero = new double[t.length];
    double[] clean = residual(TRUTH, t, zero);
    for (int i = 0; i < t.length; i++) {
      clean[i] += NOISE * random.nextGaussian();
    }
    return clean;
  }

  /**
   * The model Hipparchus fits: the residual with zero observations (Hipparchus fits the model's
   * value to a target), as the generated vector function.
   */
  static MultivariateJacobianFunction model(double[] t) {
    return hipparchus(CurveFitAdjoint.residualVectorFunction(4, t.length, t, new double[t.length]));
  }

  /** Any {@link VectorFunction} as Hipparchus's model: its value and Jacobian at one point. */
  static MultivariateJacobianFunction hipparchus(VectorFunction f) {
    return point -> {
      VectorFunction.ValueAndJacobian vj = f.valueAndJacobian(point.toArray());
      return new Pair<>(new ArrayRealVector(vj.value(), false),
          new Array2DRowRealMatrix(vj.jacobian(), false));
    };
  }

  static LeastSquaresOptimizer.Optimum fit(double[] t, double[] observed) {
    return new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
        .start(START)
        .model(model(t))
        .target(observed)
        .maxEvaluations(1000)
        .maxIterations(1000)
        .build());
  }

  static void print(PrintStream out) {
    double[] t = times();
    double[] observed = observations(t);
    LeastSquaresOptimizer.Optimum optimum = fit(t, observed);
    double[] fitted = optimum.getPoint().toArray();
    Table table = new Table(
        "Curve fit: a*exp(-b*t)*cos(c*t + d), 200 samples, Levenberg-Marquardt (Hipparchus)",
        "parameter", "true", "start", "fitted");
    String[] names = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
      table.row(names[i], TRUTH[i], START[i], String.format("%.4f", fitted[i]));
    }
    table.print(out);
    out.printf("RMS residual %.4f (noise %.2f), %d iterations, %d evaluations;"
            + " Jacobian: one forward sweep carrying 4 tangents%n%n",
        optimum.getRMS(), NOISE, optimum.getIterations(), optimum.getEvaluations());
  }
}
