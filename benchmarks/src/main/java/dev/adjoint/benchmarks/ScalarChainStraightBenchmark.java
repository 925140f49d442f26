package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link ScalarChain#straight}: ten steps of t = sin(t) a + b written out, 30 scalar operations of
 * straight-line code, where the target is no allocation at all.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ScalarChainStraightBenchmark {

  private double x;
  private double a;
  private double b;
  private double[] point;
  private double[] g;
  private ScalarChainAdjoint.StraightWorkspace workspace;
  private final ToDoubleFunction<double[]> chain = p -> ScalarChain.straight(p[0], p[1], p[2]);

  @Setup
  public void setUp() {
    Inputs.Chain chain = Inputs.Chain.draw(1);
    x = chain.x();
    a = chain.a();
    b = chain.b();
    point = new double[] {x, a, b};
    g = new double[3];
    workspace = ScalarChainAdjoint.straightWorkspace();
  }

  @Benchmark
  public double primal() {
    return ScalarChain.straight(x, a, b);
  }

  /** Forward mode along x. */
  @Benchmark
  public void jvp(Blackhole bh) {
    ScalarChainAdjoint.StraightJvp jvp = ScalarChainAdjoint.straightJvp(x, a, b, 1.0, 0.0, 0.0);
    bh.consume(jvp.value());
    bh.consume(jvp.tangent());
  }

  @Benchmark
  public void generated(Blackhole bh) {
    ScalarChainAdjoint.StraightValueAndGrad vg = ScalarChainAdjoint.straightValueAndGrad(x, a, b);
    bh.consume(vg.value());
    bh.consume(vg.grad().x());
    bh.consume(vg.grad().a());
    bh.consume(vg.grad().b());
  }

  @Benchmark
  public void workspace(Blackhole bh) {
    bh.consume(workspace.valueAndGrad(x, a, b));
    bh.consume(workspace.x());
    bh.consume(workspace.a());
    bh.consume(workspace.b());
  }

  @Benchmark
  public double handWritten() {
    return ScalarChain.straightValueAndGradient(x, a, b, g);
  }

  @Benchmark
  public double[] finiteDifferences() {
    FiniteDifferences.central(chain, point, g);
    return g;
  }
}
