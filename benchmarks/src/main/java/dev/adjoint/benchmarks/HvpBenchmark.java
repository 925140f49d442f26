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

/**
 * Second order on {@link SecondOrderRosenbrock} (issue 12): {@code mHvp} (value, gradient and a
 * Hessian-vector product), one {@code apply} of an {@code mHvpAt}, against {@code
 * mValueAndGrad}, whose time the target bounds the HVP's by (at most 4×).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class HvpBenchmark {

  @Param({"100", "10000"})
  public int n;

  private double[] x;
  private double[] v;
  private SecondOrderRosenbrockAdjoint.RosenbrockHvpAt at;

  @Setup
  public void setUp() {
    x = Inputs.rosenbrockPoint(n, 1);
    v = Inputs.rosenbrockPoint(n, 2);
    at = SecondOrderRosenbrockAdjoint.rosenbrockHvpAt(x);
  }

  /** The baseline: value and gradient. */
  @Benchmark
  public void valueAndGrad(Blackhole bh) {
    SecondOrderRosenbrockAdjoint.RosenbrockValueAndGrad vg =
        SecondOrderRosenbrockAdjoint.rosenbrockValueAndGrad(x);
    bh.consume(vg.value());
    bh.consume(vg.grad().x());
  }

  /** Value, gradient and the Hessian along {@code v}. */
  @Benchmark
  public void hvp(Blackhole bh) {
    SecondOrderRosenbrockAdjoint.RosenbrockHvp h = SecondOrderRosenbrockAdjoint.rosenbrockHvp(x, v);
    bh.consume(h.value());
    bh.consume(h.grad().x());
    bh.consume(h.hvp().x());
  }

  /** One more direction at a point whose value and gradient are known. */
  @Benchmark
  public void hvpAtApply(Blackhole bh) {
    bh.consume(at.apply(v).x());
  }
}
