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

/** {@link EuropeanCall}: price, delta and vega over 10 000 paths. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class EuropeanCallBenchmark {

  private Inputs.Call call;
  private double[] point;
  private double[] growths;
  private double[] greeks;
  private EuropeanCallAdjoint.PriceWorkspace workspace;
  private ToDoubleFunction<double[]> price;

  @Setup
  public void setUp() {
    Inputs.Call call = Inputs.Call.draw(1);
    this.call = call;
    point = new double[] {call.spot(), call.vol()};
    growths = new double[call.normals().length];
    greeks = new double[2];
    workspace = EuropeanCallAdjoint.priceWorkspace();
    price = p -> EuropeanCall.price(
        p[0], p[1], call.rate(), call.maturity(), call.strike(), call.normals());
  }

  @Benchmark
  public double primal() {
    Inputs.Call c = call;
    return EuropeanCall.price(
        c.spot(), c.vol(), c.rate(), c.maturity(), c.strike(), c.normals());
  }

  /** Forward mode: the price and its derivative along (spot, vol) = (1, 0.5): delta + vega / 2. */
  @Benchmark
  public void jvp(Blackhole bh) {
    Inputs.Call c = call;
    EuropeanCallAdjoint.PriceJvp jvp = EuropeanCallAdjoint.priceJvp(
        c.spot(), c.vol(), c.rate(), c.maturity(), c.strike(), c.normals(), 1.0, 0.5);
    bh.consume(jvp.value());
    bh.consume(jvp.tangent());
  }

  @Benchmark
  public void generated(Blackhole bh) {
    Inputs.Call c = call;
    EuropeanCallAdjoint.PriceValueAndGrad vg = EuropeanCallAdjoint.priceValueAndGrad(
        c.spot(), c.vol(), c.rate(), c.maturity(), c.strike(), c.normals());
    bh.consume(vg.value());
    bh.consume(vg.grad().spot());
    bh.consume(vg.grad().vol());
  }

  @Benchmark
  public void workspace(Blackhole bh) {
    Inputs.Call c = call;
    bh.consume(workspace.valueAndGrad(
        c.spot(), c.vol(), c.rate(), c.maturity(), c.strike(), c.normals()));
    bh.consume(workspace.spot());
    bh.consume(workspace.vol());
  }

  @Benchmark
  public double handWritten() {
    Inputs.Call c = call;
    return EuropeanCall.priceAndGreeks(
        c.spot(), c.vol(), c.rate(), c.maturity(), c.strike(), c.normals(), growths, greeks);
  }

  @Benchmark
  public double[] finiteDifferences() {
    FiniteDifferences.central(price, point, greeks);
    return greeks;
  }
}
