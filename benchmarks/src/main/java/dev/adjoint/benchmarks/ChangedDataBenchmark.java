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
 * {@link ChangedData}: the workspace gradient of a weighted sum of squares with and without a
 * call that may write into its {@code @NoDiff} weights. With the call after the loop, the forward
 * sweep copies the weights once before it ({@code workspaceTouched}); with the call on every
 * trip, it records each weight it reads, one double per trip ({@code workspaceTouchedEachTrip}).
 * The ratios to {@code workspace} in one run are those costs; the primal ratios show the call's
 * own.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ChangedDataBenchmark {

  @Param({"1000", "100000"})
  public int n;

  private double[] x;
  private double[] w;
  private ChangedDataAdjoint.WeightedWorkspace plain;
  private ChangedDataAdjoint.WeightedThenTouchedWorkspace touched;
  private ChangedDataAdjoint.WeightedTouchedEachTripWorkspace touchedEachTrip;

  @Setup
  public void setUp() {
    x = Inputs.rosenbrockPoint(n, 1);
    w = Inputs.rosenbrockPoint(n, 2);
    plain = ChangedDataAdjoint.weightedWorkspace();
    touched = ChangedDataAdjoint.weightedThenTouchedWorkspace();
    touchedEachTrip = ChangedDataAdjoint.weightedTouchedEachTripWorkspace();
  }

  @Benchmark
  public double primal() {
    return ChangedData.weighted(x, w);
  }

  @Benchmark
  public double primalTouched() {
    return ChangedData.weightedThenTouched(x, w);
  }

  @Benchmark
  public void workspace(Blackhole bh) {
    bh.consume(plain.valueAndGrad(x, w));
    bh.consume(plain.x());
  }

  @Benchmark
  public void workspaceTouched(Blackhole bh) {
    bh.consume(touched.valueAndGrad(x, w));
    bh.consume(touched.x());
  }

  @Benchmark
  public double primalTouchedEachTrip() {
    return ChangedData.weightedTouchedEachTrip(x, w);
  }

  @Benchmark
  public void workspaceTouchedEachTrip(Blackhole bh) {
    bh.consume(touchedEachTrip.valueAndGrad(x, w));
    bh.consume(touchedEachTrip.x());
  }
}
