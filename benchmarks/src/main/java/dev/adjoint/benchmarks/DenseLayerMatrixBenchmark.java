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

/** {@link DenseLayer#matrixLoss}: the dense layer of {@link DenseLayerBenchmark} on double[][]. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class DenseLayerMatrixBenchmark {

  private double[][] w;
  private double[] bias;
  private double[][] x;
  private double[][] y;
  private double[][] g;
  private DenseLayerAdjoint.MatrixLossWorkspace workspace;

  @Setup
  public void setUp() {
    Inputs.Dense data = Inputs.Dense.draw(1);
    w = data.wMatrix();
    bias = data.bias();
    x = data.xMatrix();
    y = data.yMatrix();
    g = new double[Inputs.DENSE_OUT][Inputs.DENSE_IN];
    workspace = DenseLayerAdjoint.matrixLossWorkspace();
  }

  @Benchmark
  public double primal() {
    return DenseLayer.matrixLoss(w, bias, x, y);
  }

  @Benchmark
  public void generated(Blackhole bh) {
    DenseLayerAdjoint.MatrixLossValueAndGrad vg =
        DenseLayerAdjoint.matrixLossValueAndGrad(w, bias, x, y);
    bh.consume(vg.value());
    bh.consume(vg.grad().w());
  }

  @Benchmark
  public void workspace(Blackhole bh) {
    bh.consume(workspace.valueAndGrad(w, bias, x, y));
    bh.consume(workspace.w());
  }

  @Benchmark
  public double handWritten() {
    return DenseLayer.matrixValueAndGradient(w, bias, x, y, g);
  }
}
