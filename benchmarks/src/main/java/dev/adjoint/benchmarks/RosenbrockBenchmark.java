package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** {@link Rosenbrock} at N = 10, 1 000 and 100 000. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class RosenbrockBenchmark {

  @Param({"10", "1000", "100000"})
  public int n;

  private double[] x;
  private double[] g;
  private double[] v;
  private RosenbrockAdjoint.RosenbrockWorkspace workspace;
  private RosenbrockAdjoint.RosenbrockJvpWorkspace jvpWorkspace;
  private final double[] tangent = new double[1];

  @Setup
  public void setUp() {
    x = Inputs.rosenbrockPoint(n, 1);
    g = new double[n];
    v = Inputs.rosenbrockPoint(n, 2);
    workspace = RosenbrockAdjoint.rosenbrockWorkspace();
    jvpWorkspace = RosenbrockAdjoint.rosenbrockJvpWorkspace();
  }

  @Benchmark
  public double primal() {
    return Rosenbrock.rosenbrock(x);
  }

  /** Forward mode: value and the directional derivative along {@code v}, one sweep. */
  @Benchmark
  public void jvp(Blackhole bh) {
    RosenbrockAdjoint.RosenbrockJvp jvp = RosenbrockAdjoint.rosenbrockJvp(x, v);
    bh.consume(jvp.value());
    bh.consume(jvp.tangent());
  }

  /** Forward mode by hand (the baseline for {@code jvp}): the same value and tangent. */
  @Benchmark
  public void handWrittenJvp(Blackhole bh) {
    bh.consume(Rosenbrock.jvp(x, v, tangent));
    bh.consume(tangent[0]);
  }

  /** Forward mode in the workspace form: no result record. */
  @Benchmark
  public void jvpWorkspace(Blackhole bh) {
    bh.consume(jvpWorkspace.jvp(x, v));
    bh.consume(jvpWorkspace.tangent());
  }

  @Benchmark
  public void generated(Blackhole bh) {
    RosenbrockAdjoint.RosenbrockValueAndGrad vg = RosenbrockAdjoint.rosenbrockValueAndGrad(x);
    bh.consume(vg.value());
    bh.consume(vg.grad().x());
  }

  @Benchmark
  public void workspace(Blackhole bh) {
    bh.consume(workspace.valueAndGrad(x));
    bh.consume(workspace.x());
  }

  /**
   * {@code mVjp} and one pullback: the Vjp a user gets keeps a copy of x, which its pullback
   * reads, so that later writes to x do not change it (compare with {@code generated}).
   */
  @Benchmark
  public void vjp(Blackhole bh) {
    RosenbrockAdjoint.RosenbrockVjp vjp = RosenbrockAdjoint.rosenbrockVjp(x);
    bh.consume(vjp.value());
    bh.consume(vjp.pullback(1.0).x());
  }

  @Benchmark
  public double handWritten() {
    return Rosenbrock.valueAndGradient(x, g);
  }

  /**
   * Central differences at N = 10 and 1 000 only: at N = 100 000 they take 2 N = 200 000
   * evaluations of a 100 000-term sum, some 10^10 operations, seconds per gradient.
   */
  @State(Scope.Thread)
  public static class Small {
    @Param({"10", "1000"})
    public int n;

    private double[] x;
    private double[] g;

    @Setup
    public void setUp() {
      x = Inputs.rosenbrockPoint(n, 1);
      g = new double[n];
    }
  }

  @Benchmark
  public double[] finiteDifferences(Small small) {
    FiniteDifferences.central(Rosenbrock::rosenbrock, small.x, small.g);
    return small.g;
  }
}
