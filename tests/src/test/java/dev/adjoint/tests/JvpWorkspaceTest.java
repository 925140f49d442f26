package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The forward-mode workspace {@code mJvpWorkspace()}: call after call the same value and tangent
 * as {@code mJvp}, bit for bit, its arrays kept while lengths stay the same, nothing allocated by
 * scalar code or, once its arrays exist, by code with local arrays; rules' workspaces give the
 * rules' tangents.
 */
final class JvpWorkspaceTest {

  @Test
  void scalarResultWithALocalArrayIsMJvpBitForBit() {
    var ws = ArraysAdjoint.prefixSquaresJvpWorkspace();
    Random r = new Random(21);
    for (int call = 0; call < 50; call++) {
      int n = call < 25 ? 6 : 9; // the length changes once
      double[] x = RandomArrays.uniform(r, n);
      double[] xDot = RandomArrays.uniform(r, n);
      xDot[call % n] = 0;
      double scale = r.nextDouble();
      double scaleDot = call % 3 == 0 ? 0 : r.nextGaussian();
      var expected = ArraysAdjoint.prefixSquaresJvp(x.clone(), scale, xDot.clone(), scaleDot);
      assertThat(ws.jvp(x, scale, call % 7 == 0 ? null : xDot, scaleDot))
          .isEqualTo(expected.value());
      if (call % 7 == 0) {
        // A null tangent is zeros: only scale's tangent counts.
        assertThat(ws.tangent()).isEqualTo(
            ArraysAdjoint.prefixSquaresJvp(x.clone(), scale, null, scaleDot).tangent());
      } else {
        assertThat(ws.tangent()).isEqualTo(expected.tangent());
      }
    }
  }

  @Test
  void arrayResultKeepsItsBuffersWhileTheLengthStays() {
    var ws = ForwardAdjoint.residualJvpWorkspace();
    double[] p = {1.3, 0.4, 2.1, -0.3};
    Random r = new Random(22);
    double[] previousValue = null;
    double[] previousTangent = null;
    for (int call = 0; call < 30; call++) {
      int n = call < 15 ? 20 : 30;
      double[] t = RandomArrays.uniform(r, n);
      double[] observed = RandomArrays.uniform(r, n);
      double[] pDot = RandomArrays.uniform(r, 4);
      var expected = ForwardAdjoint.residualJvp(p.clone(), t, observed, pDot.clone());
      double[] value = ws.jvp(p, t, observed, pDot);
      assertThat(value).isEqualTo(expected.value());
      assertThat(ws.tangent()).isEqualTo(expected.tangent());
      if (call != 0 && call != 15) {
        assertThat(value).isSameInstanceAs(previousValue);
        assertThat(ws.tangent()).isSameInstanceAs(previousTangent);
      } else if (call == 15) {
        assertThat(ws.tangent()).isNotSameInstanceAs(previousTangent);
      }
      previousValue = value;
      previousTangent = ws.tangent();
    }
    assertThat(p).isEqualTo(new double[] {1.3, 0.4, 2.1, -0.3});
  }

  /**
   * Iterating a map with a workspace, each call given the value and tangent the last call
   * returned (the workspace's own arrays): the same as with mJvp, not zeros.
   */
  @Test
  void theValueAndTangentItReturnedMayBeTheNextArguments() {
    var ws = ForwardAdjoint.stepJvpWorkspace();
    double[] x = {0.1, 0.2, 0.3};
    double[] d = {1, 0, 0};
    double[] y = x.clone();
    double[] e = d.clone();
    for (int it = 0; it < 5; it++) {
      var expected = ForwardAdjoint.stepJvp(y, e);
      y = expected.value();
      e = expected.tangent();
      x = ws.jvp(x, d);
      d = ws.tangent();
      assertThat(x).isEqualTo(y);
      assertThat(d).isEqualTo(e);
    }
    // The value given back alone, and the tangent alone.
    double[] value = ws.jvp(new double[] {0.4, 0.5, 0.6}, new double[] {0, 1, 0});
    double[] expected = ForwardAdjoint.stepJvp(value.clone(), new double[] {0, 0, 1}).tangent();
    ws.jvp(value, new double[] {0, 0, 1});
    assertThat(ws.tangent()).isEqualTo(expected);
  }

  @Test
  void rulesWorkspacesGiveTheRulesTangents() {
    var log1pexp = JvpRulesAdjoint.stableLog1pexpJvpWorkspace();
    var cube = ForwardAdjoint.cubeJvpWorkspace(); // a @CustomVjp rule: through its pullback
    Random r = new Random(23);
    for (int call = 0; call < 40; call++) {
      double x = r.nextGaussian() * 5;
      double xDot = r.nextGaussian();
      var a = JvpRulesAdjoint.stableLog1pexpJvp(x, xDot);
      assertThat(log1pexp.jvp(x, xDot)).isEqualTo(a.value());
      assertThat(log1pexp.tangent()).isEqualTo(a.tangent());
      var b = ForwardAdjoint.cubeJvp(x, xDot);
      assertThat(cube.jvp(x, xDot)).isEqualTo(b.value());
      assertThat(cube.tangent()).isEqualTo(b.tangent());
      assertThat(cube.tangent()).isWithin(1e-12 * (1 + Math.abs(b.tangent())))
          .of(6 * x * x * xDot); // the rule's (twice the true derivative, on purpose)
    }
  }

  /**
   * What the workspace promises for hot loops: after the first call, scalar code and code whose
   * arrays are kept allocate nothing, even interpreted (nothing for escape analysis to remove).
   * Bytes, not time: the JVM counts them per thread exactly.
   */
  @Test
  void repeatedCallsAllocateNothing() {
    var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    var triangle = LoopsAdjoint.triangleJvpWorkspace();
    var prefix = ArraysAdjoint.prefixSquaresJvpWorkspace();
    var residual = ForwardAdjoint.residualJvpWorkspace();
    double[] x = {0.3, -0.2, 0.9, 1.1};
    double[] xDot = {1, 0, -1, 0.5};
    double[] t = {0.1, 0.2, 0.3, 0.4, 0.5};
    double[] observed = new double[5];
    double sum = triangle.jvp(0.2, 0.7, 6, 1.0, 0.5) + prefix.jvp(x, 0.8, xDot, 0.3)
        + residual.jvp(x, t, observed, xDot)[0];
    long thread = Thread.currentThread().getId();
    long before = bean.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 10_000; i++) {
      sum += triangle.jvp(0.2 + i * 1e-6, 0.7, 6, 1.0, 0.5) + triangle.tangent();
      sum += prefix.jvp(x, 0.8 + i * 1e-6, xDot, 0.3) + prefix.tangent();
      sum += residual.jvp(x, t, observed, xDot)[1] + residual.tangent()[2];
    }
    long allocated = bean.getThreadAllocatedBytes(thread) - before;
    assertThat(Double.isFinite(sum)).isTrue();
    // 30 000 calls: even 8 bytes a call would be 240 000.
    assertThat(allocated).isLessThan(4_096L);
  }
}
