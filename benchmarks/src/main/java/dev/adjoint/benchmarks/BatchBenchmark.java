package dev.adjoint.benchmarks;

import dev.adjoint.runtime.Batch;
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

/**
 * Values and gradients of {@link Rosenbrock} at a batch of 256 points of N = 1 000 (issue 13's
 * batch target): the sequential loop over one workspace, against {@link Batch#forEach} with a
 * workspace per thread on all cores. The ratio of the two is the speed-up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class BatchBenchmark {

  @Param({"256"})
  public int batch;

  @Param({"1000"})
  public int n;

  private double[][] points;
  private double[] values;
  private double[][] grads;
  private RosenbrockAdjoint.RosenbrockWorkspace workspace;

  @Setup
  public void setUp() {
    points = new double[batch][];
    for (int i = 0; i < batch; i++) {
      points[i] = Inputs.rosenbrockPoint(n, 10 + i);
    }
    values = new double[batch];
    grads = new double[batch][n];
    workspace = RosenbrockAdjoint.rosenbrockWorkspace();
  }

  @Benchmark
  public double[] sequential() {
    for (int i = 0; i < batch; i++) {
      values[i] = workspace.valueAndGrad(points[i]);
      System.arraycopy(workspace.x(), 0, grads[i], 0, n);
    }
    return values;
  }

  /** A workspace per thread, kept from call to call. */
  private static final ThreadLocal<RosenbrockAdjoint.RosenbrockWorkspace> WORKSPACES =
      ThreadLocal.withInitial(RosenbrockAdjoint::rosenbrockWorkspace);

  /** Batch, each range with a new workspace. */
  @Benchmark
  public double[] batched() {
    Batch.forEach(batch, RosenbrockAdjoint::rosenbrockWorkspace, (ws, i) -> {
      values[i] = ws.valueAndGrad(points[i]);
      System.arraycopy(ws.x(), 0, grads[i], 0, n);
    });
    return values;
  }

  /** Batch, each thread's workspace kept from call to call ({@code ThreadLocal}). */
  @Benchmark
  public double[] batchedKept() {
    Batch.forEach(batch, WORKSPACES::get, (ws, i) -> {
      values[i] = ws.valueAndGrad(points[i]);
      System.arraycopy(ws.x(), 0, grads[i], 0, n);
    });
    return values;
  }
}
