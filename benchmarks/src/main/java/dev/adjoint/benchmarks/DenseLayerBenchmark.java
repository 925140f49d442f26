package dev.adjoint.benchmarks;

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
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link DenseLayer}: batch 64, 256 inputs to 256 outputs, gradient in the 65 536 weights. No
 * central differences: 2 x 65 536 evaluations of a 4.2-million multiply-add loss, minutes each.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class DenseLayerBenchmark {

  private Inputs.Dense data;
  private double[] g;
  private DenseLayerAdjoint.LossWorkspace workspace;
  private double[] direction;

  @Setup
  public void setUp() {
    data = Inputs.Dense.draw(1);
    g = new double[data.w().length];
    direction = Inputs.Dense.draw(2).w();
    workspace = DenseLayerAdjoint.lossWorkspace();
  }

  @Benchmark
  public double primal() {
    return DenseLayer.loss(data.w(), data.bias(), data.x(), data.y());
  }

  /** Forward mode along one direction in w. */
  @Benchmark
  public void jvp(Blackhole bh) {
    DenseLayerAdjoint.LossJvp jvp =
        DenseLayerAdjoint.lossJvp(data.w(), data.bias(), data.x(), data.y(), direction);
    bh.consume(jvp.value());
    bh.consume(jvp.tangent());
  }

  @Benchmark
  public void generated(Blackhole bh) {
    DenseLayerAdjoint.LossValueAndGrad vg =
        DenseLayerAdjoint.lossValueAndGrad(data.w(), data.bias(), data.x(), data.y());
    bh.consume(vg.value());
    bh.consume(vg.grad().w());
  }

  @Benchmark
  public void workspace(Blackhole bh) {
    bh.consume(workspace.valueAndGrad(data.w(), data.bias(), data.x(), data.y()));
    bh.consume(workspace.w());
  }

  /**
   * {@code mVjp} and one pullback: the Vjp a user gets keeps copies of the arrays its pullback
   * reads (compare with {@code generated}).
   */
  @Benchmark
  public void vjp(Blackhole bh) {
    DenseLayerAdjoint.LossVjp vjp =
        DenseLayerAdjoint.lossVjp(data.w(), data.bias(), data.x(), data.y());
    bh.consume(vjp.value());
    bh.consume(vjp.pullback(1.0).w());
  }

  @Benchmark
  public double handWritten() {
    return DenseLayer.valueAndGradient(data.w(), data.bias(), data.x(), data.y(), g);
  }
}
