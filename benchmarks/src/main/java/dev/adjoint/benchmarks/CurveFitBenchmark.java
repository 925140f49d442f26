package dev.adjoint.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The 200 × 4 Jacobian of {@link CurveFit#residual}: generated (one forward sweep carrying the
 * four parameters' tangents), by 200 pullbacks (what reverse mode alone gave), and by hand;
 * against the primal.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class CurveFitBenchmark {
  private double[] p;
  private double[] t;
  private double[] observed;

  @Setup
  public void setUp() {
    Random random = new Random(1);
    p = new double[] {1.3, 0.4, 2.1, -0.3};
    t = new double[200];
    observed = new double[200];
    for (int i = 0; i < t.length; i++) {
      t[i] = 5.0 * i / t.length;
      observed[i] = random.nextGaussian();
    }
  }

  @Benchmark
  public double[] primal() {
    return CurveFit.residual(p, t, observed);
  }

  @Benchmark
  public double[][] jacobian() {
    return CurveFitAdjoint.residualJacobian(p, t, observed);
  }

  /** One pullback per residual, from one Vjp: the Jacobian reverse mode alone gives. */
  @Benchmark
  public double[][] jacobianByPullbacks() {
    CurveFitAdjoint.ResidualVjp vjp = CurveFitAdjoint.residualVjp(p, t, observed);
    double[][] j = new double[t.length][];
    double[] seed = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      seed[i] = 1;
      j[i] = vjp.pullback(seed).p();
      seed[i] = 0;
    }
    return j;
  }

  @Benchmark
  public double[][] handWritten() {
    return CurveFit.jacobian(p, t);
  }
}
