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

/** {@link ScalarChain#loop}: 1 000 trips of t = sin(t) a + b, 3 000 scalar operations. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ScalarChainLoopBenchmark {

  private static final int STEPS = Inputs.CHAIN_STEPS;

  private double x;
  private double a;
  private double b;
  private int steps;
  private double[] point;
  private double[] scratch;
  private double[] g;
  private ScalarChainAdjoint.LoopWorkspace workspace;
  private final ToDoubleFunction<double[]> chain = p -> ScalarChain.loop(p[0], p[1], p[2], STEPS);

  @Setup
  public void setUp() {
    Inputs.Chain chain = Inputs.Chain.draw(1);
    x = chain.x();
    a = chain.a();
    b = chain.b();
    steps = STEPS;
    point = new double[] {x, a, b};
    scratch = new double[2 * STEPS];
    g = new double[3];
    workspace = ScalarChainAdjoint.loopWorkspace();
  }

  @Benchmark
  public double primal() {
    return ScalarChain.loop(x, a, b, steps);
  }

  @Benchmark
  public void generated(Blackhole bh) {
    ScalarChainAdjoint.LoopValueAndGrad vg = ScalarChainAdjoint.loopValueAndGrad(x, a, b, steps);
    bh.consume(vg.value());
    bh.consume(vg.grad().x());
    bh.consume(vg.grad().a());
    bh.consume(vg.grad().b());
  }

  @Benchmark
  public void workspace(Blackhole bh) {
    bh.consume(workspace.valueAndGrad(x, a, b, steps));
    bh.consume(workspace.x());
    bh.consume(workspace.a());
    bh.consume(workspace.b());
  }

  @Benchmark
  public double handWritten() {
    return ScalarChain.loopValueAndGradient(x, a, b, steps, scratch, g);
  }

  @Benchmark
  public double[] finiteDifferences() {
    FiniteDifferences.central(chain, point, g);
    return g;
  }
}
