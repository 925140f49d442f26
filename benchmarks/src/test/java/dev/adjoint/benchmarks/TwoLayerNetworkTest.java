package dev.adjoint.benchmarks;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * The three forms of {@link TwoLayerNetwork} that {@link TwoLayerNetworkBenchmark} times compute
 * the same loss and gradient: the values bit for bit, the gradients (allocating and workspace)
 * to 1e-12 relative of each other and of the hand-written adjoint, which central differences in
 * every one of the 676 coordinates confirm.
 */
class TwoLayerNetworkTest {
  private static final long[] SEEDS = {1, 2, 3};
  private static final double RELATIVE = 1e-12;

  /** A gradient flattened in declaration order: w1 by rows, b1, w2 by rows, b2. */
  private static double[] flat(double[][] w1, double[] b1, double[][] w2, double[] b2) {
    double[] out = new double[
        w1.length * w1[0].length + b1.length + w2.length * w2[0].length + b2.length];
    int at = 0;
    for (double[] row : w1) {
      System.arraycopy(row, 0, out, at, row.length);
      at += row.length;
    }
    System.arraycopy(b1, 0, out, at, b1.length);
    at += b1.length;
    for (double[] row : w2) {
      System.arraycopy(row, 0, out, at, row.length);
      at += row.length;
    }
    System.arraycopy(b2, 0, out, at, b2.length);
    return out;
  }

  private static void assertClose(String what, double[] actual, double[] expected) {
    assertWithMessage(what + ": length").that(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertWithMessage("%s[%s]", what, i)
          .that(actual[i])
          .isWithin(RELATIVE * Math.max(Math.abs(expected[i]), Double.MIN_NORMAL))
          .of(expected[i]);
    }
  }

  @Test
  void threeFormsAndTheHandWrittenAdjointAgree() {
    for (long seed : SEEDS) {
      Inputs.Network d = Inputs.Network.draw(seed);
      String where = "seed=" + seed;
      double[][] g1 = new double[Inputs.NETWORK_HIDDEN][Inputs.NETWORK_INPUTS];
      double[] gb1 = new double[Inputs.NETWORK_HIDDEN];
      double[][] g2 = new double[Inputs.NETWORK_CLASSES][Inputs.NETWORK_HIDDEN];
      double[] gb2 = new double[Inputs.NETWORK_CLASSES];
      double value = TwoLayerNetwork.valueAndGradient(d.w1(), d.b1(), d.w2(), d.b2(), d.xs(),
          d.labels(), g1, gb1, g2, gb2, new double[Inputs.NETWORK_HIDDEN],
          new double[Inputs.NETWORK_CLASSES]);
      double[] hand = flat(g1, gb1, g2, gb2);
      assertThat(TwoLayerNetwork.inlined(d.w1(), d.b1(), d.w2(), d.b2(), d.xs(), d.labels()))
          .isEqualTo(value);
      assertThat(TwoLayerNetwork.perSample(d.w1(), d.b1(), d.w2(), d.b2(), d.xs(), d.labels()))
          .isEqualTo(value);
      assertThat(TwoLayerNetwork.perNeuron(d.w1(), d.b1(), d.w2(), d.b2(), d.xs(), d.labels()))
          .isEqualTo(value);

      var inlined = TwoLayerNetworkAdjoint.inlinedValueAndGrad(
          d.w1(), d.b1(), d.w2(), d.b2(), d.xs(), d.labels());
      var perSample = TwoLayerNetworkAdjoint.perSampleValueAndGrad(
          d.w1(), d.b1(), d.w2(), d.b2(), d.xs(), d.labels());
      var perNeuron = TwoLayerNetworkAdjoint.perNeuronValueAndGrad(
          d.w1(), d.b1(), d.w2(), d.b2(), d.xs(), d.labels());
      assertThat(inlined.value()).isEqualTo(value);
      assertThat(perSample.value()).isEqualTo(value);
      assertThat(perNeuron.value()).isEqualTo(value);
      var gi = inlined.grad();
      var gs = perSample.grad();
      var gn = perNeuron.grad();
      double[] inlinedGrad = flat(gi.w1(), gi.b1(), gi.w2(), gi.b2());
      assertClose(where + " inlined vs hand-written", inlinedGrad, hand);
      assertClose(where + " perSample vs inlined", flat(gs.w1(), gs.b1(), gs.w2(), gs.b2()),
          inlinedGrad);
      assertClose(where + " perNeuron vs inlined", flat(gn.w1(), gn.b1(), gn.w2(), gn.b2()),
          inlinedGrad);

      // The workspaces, twice each (the second call reuses the tapes and buffers of the first).
      var wi = TwoLayerNetworkAdjoint.inlinedWorkspace();
      var ws = TwoLayerNetworkAdjoint.perSampleWorkspace();
      var wn = TwoLayerNetworkAdjoint.perNeuronWorkspace();
      for (int call = 0; call < 2; call++) {
        String which = where + " call " + call;
        assertThat(wi.valueAndGrad(d.w1(), d.b1(), d.w2(), d.b2(), d.xs(), d.labels()))
            .isEqualTo(value);
        assertThat(ws.valueAndGrad(d.w1(), d.b1(), d.w2(), d.b2(), d.xs(), d.labels()))
            .isEqualTo(value);
        assertThat(wn.valueAndGrad(d.w1(), d.b1(), d.w2(), d.b2(), d.xs(), d.labels()))
            .isEqualTo(value);
        assertClose(which + " inlined workspace", flat(wi.w1(), wi.b1(), wi.w2(), wi.b2()),
            inlinedGrad);
        assertClose(which + " perSample workspace", flat(ws.w1(), ws.b1(), ws.w2(), ws.b2()),
            inlinedGrad);
        assertClose(which + " perNeuron workspace", flat(wn.w1(), wn.b1(), wn.w2(), wn.b2()),
            inlinedGrad);
      }
    }
  }

  /**
   * Central differences in all 676 coordinates (GradCheck's full Jacobian) on the inlined form,
   * through its generated {@code inlinedFunction}, whose point is {@link #flat}'s.
   */
  @Test
  void inlinedPassesGradCheck() {
    Inputs.Network d = Inputs.Network.draw(1);
    DifferentiableFunction f = TwoLayerNetworkAdjoint.inlinedFunction(
        d.w1(), d.b1(), d.w2(), d.b2(), d.xs(), d.labels());
    double[] point = TwoLayerNetworkAdjoint.inlinedFlatten(d.w1(), d.b1(), d.w2(), d.b2());
    assertThat(point).isEqualTo(flat(d.w1(), d.b1(), d.w2(), d.b2()));
    GradCheck check = GradCheck.defaults().withFullJacobianLimit(1000);
    GradCheck.Report report = check.check(f, point);
    assertWithMessage(report.toString()).that(report.passed()).isTrue();
    assertThat(report.comparedEntries()).isAtLeast(676);
  }
}
