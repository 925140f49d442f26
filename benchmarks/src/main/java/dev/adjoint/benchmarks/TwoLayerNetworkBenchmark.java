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
 * {@link TwoLayerNetwork}: 64 samples of 16 inputs, 32 tanh units, 4 classes (676 parameters),
 * the same network written three ways, each timed as the primal, the allocating
 * {@code mValueAndGrad} and the workspace; and one hand-written adjoint. No central differences
 * (1 352 evaluations of the loss per gradient).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class TwoLayerNetworkBenchmark {

  private Inputs.Network data;
  private double[][] w1;
  private double[] b1;
  private double[][] w2;
  private double[] b2;
  private double[][] xs;
  private int[] labels;
  private double[][] g1;
  private double[] gb1;
  private double[][] g2;
  private double[] gb2;
  private double[] h;
  private double[] z;
  private TwoLayerNetworkAdjoint.InlinedWorkspace inlinedWorkspace;
  private TwoLayerNetworkAdjoint.PerSampleWorkspace perSampleWorkspace;
  private TwoLayerNetworkAdjoint.PerNeuronWorkspace perNeuronWorkspace;

  @Setup
  public void setUp() {
    data = Inputs.Network.draw(1);
    w1 = data.w1();
    b1 = data.b1();
    w2 = data.w2();
    b2 = data.b2();
    xs = data.xs();
    labels = data.labels();
    g1 = new double[Inputs.NETWORK_HIDDEN][Inputs.NETWORK_INPUTS];
    gb1 = new double[Inputs.NETWORK_HIDDEN];
    g2 = new double[Inputs.NETWORK_CLASSES][Inputs.NETWORK_HIDDEN];
    gb2 = new double[Inputs.NETWORK_CLASSES];
    h = new double[Inputs.NETWORK_HIDDEN];
    z = new double[Inputs.NETWORK_CLASSES];
    inlinedWorkspace = TwoLayerNetworkAdjoint.inlinedWorkspace();
    perSampleWorkspace = TwoLayerNetworkAdjoint.perSampleWorkspace();
    perNeuronWorkspace = TwoLayerNetworkAdjoint.perNeuronWorkspace();
  }

  @Benchmark
  public double inlinedPrimal() {
    return TwoLayerNetwork.inlined(w1, b1, w2, b2, xs, labels);
  }

  @Benchmark
  public void inlinedGenerated(Blackhole bh) {
    TwoLayerNetworkAdjoint.InlinedValueAndGrad vg =
        TwoLayerNetworkAdjoint.inlinedValueAndGrad(w1, b1, w2, b2, xs, labels);
    bh.consume(vg.value());
    bh.consume(vg.grad());
  }

  @Benchmark
  public void inlinedWorkspace(Blackhole bh) {
    bh.consume(inlinedWorkspace.valueAndGrad(w1, b1, w2, b2, xs, labels));
    bh.consume(inlinedWorkspace.w1());
    bh.consume(inlinedWorkspace.b1());
    bh.consume(inlinedWorkspace.w2());
    bh.consume(inlinedWorkspace.b2());
  }

  @Benchmark
  public double perSamplePrimal() {
    return TwoLayerNetwork.perSample(w1, b1, w2, b2, xs, labels);
  }

  @Benchmark
  public void perSampleGenerated(Blackhole bh) {
    TwoLayerNetworkAdjoint.PerSampleValueAndGrad vg =
        TwoLayerNetworkAdjoint.perSampleValueAndGrad(w1, b1, w2, b2, xs, labels);
    bh.consume(vg.value());
    bh.consume(vg.grad());
  }

  @Benchmark
  public void perSampleWorkspace(Blackhole bh) {
    bh.consume(perSampleWorkspace.valueAndGrad(w1, b1, w2, b2, xs, labels));
    bh.consume(perSampleWorkspace.w1());
    bh.consume(perSampleWorkspace.b1());
    bh.consume(perSampleWorkspace.w2());
    bh.consume(perSampleWorkspace.b2());
  }

  @Benchmark
  public double perNeuronPrimal() {
    return TwoLayerNetwork.perNeuron(w1, b1, w2, b2, xs, labels);
  }

  @Benchmark
  public void perNeuronGenerated(Blackhole bh) {
    TwoLayerNetworkAdjoint.PerNeuronValueAndGrad vg =
        TwoLayerNetworkAdjoint.perNeuronValueAndGrad(w1, b1, w2, b2, xs, labels);
    bh.consume(vg.value());
    bh.consume(vg.grad());
  }

  @Benchmark
  public void perNeuronWorkspace(Blackhole bh) {
    bh.consume(perNeuronWorkspace.valueAndGrad(w1, b1, w2, b2, xs, labels));
    bh.consume(perNeuronWorkspace.w1());
    bh.consume(perNeuronWorkspace.b1());
    bh.consume(perNeuronWorkspace.w2());
    bh.consume(perNeuronWorkspace.b2());
  }

  @Benchmark
  public double handWritten() {
    return TwoLayerNetwork.valueAndGradient(
        w1, b1, w2, b2, xs, labels, g1, gb1, g2, gb2, h, z);
  }
}
