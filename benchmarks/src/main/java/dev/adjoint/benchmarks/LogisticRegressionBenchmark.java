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

/** {@link LogisticRegression}: mean log-loss over 1 000 samples of 100 features. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class LogisticRegressionBenchmark {

  private Inputs.Logistic data;
  private double[] g;
  private LogisticRegressionAdjoint.LossWorkspace workspace;
  private ToDoubleFunction<double[]> loss;

  @Setup
  public void setUp() {
    data = Inputs.Logistic.draw(1);
    g = new double[data.w().length];
    workspace = LogisticRegressionAdjoint.lossWorkspace();
    double[] x = data.x();
    double[] y = data.y();
    loss = w -> LogisticRegression.loss(w, x, y);
  }

  @Benchmark
  public double primal() {
    return LogisticRegression.loss(data.w(), data.x(), data.y());
  }

  @Benchmark
  public void generated(Blackhole bh) {
    LogisticRegressionAdjoint.LossValueAndGrad vg =
        LogisticRegressionAdjoint.lossValueAndGrad(data.w(), data.x(), data.y());
    bh.consume(vg.value());
    bh.consume(vg.grad().w());
  }

  @Benchmark
  public void workspace(Blackhole bh) {
    bh.consume(workspace.valueAndGrad(data.w(), data.x(), data.y()));
    bh.consume(workspace.w());
  }

  /**
   * {@code mVjp} and one pullback: the Vjp a user gets keeps copies of w and of the data, which
   * its pullback reads (compare with {@code generated}).
   */
  @Benchmark
  public void vjp(Blackhole bh) {
    LogisticRegressionAdjoint.LossVjp vjp =
        LogisticRegressionAdjoint.lossVjp(data.w(), data.x(), data.y());
    bh.consume(vjp.value());
    bh.consume(vjp.pullback(1.0).w());
  }

  @Benchmark
  public double handWritten() {
    return LogisticRegression.valueAndGradient(data.w(), data.x(), data.y(), g);
  }

  @Benchmark
  public double[] finiteDifferences() {
    FiniteDifferences.central(loss, data.w(), g);
    return g;
  }
}
