package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The workspace form: the same value and gradient as mValueAndGrad, call after call, in buffers
 * the workspace keeps while lengths stay the same; one workspace per thread.
 */
final class WorkspaceTest {

  @Test
  void aCustomRuleHasAWorkspaceGivingItsRulesGradient() {
    var lse = ArrayRulesAdjoint.lseWorkspace();
    var scaledSin = RuleCallsAdjoint.scaledSinWorkspace();
    Random r = new Random(12);
    for (int call = 0; call < 20; call++) {
      double[] x = RandomArrays.uniform(r, 1 + call % 5);
      assertThat(lse.valueAndGrad(x)).isEqualTo(ArrayRules.lse(x));
      assertThat(lse.x()).usingExactEquality()
          .containsExactly(ArrayRulesAdjoint.lseGrad(x).x()).inOrder();
      double a = r.nextGaussian();
      double b = r.nextGaussian();
      var expected = RuleCallsAdjoint.scaledSinValueAndGrad(a, b);
      assertThat(scaledSin.valueAndGrad(a, b)).isEqualTo(expected.value());
      assertThat(scaledSin.x()).isEqualTo(expected.grad().x());
      assertThat(scaledSin.y()).isEqualTo(expected.grad().y());
      assertThat(scaledSin.y()).isWithin(1e-15).of(a * Math.cos(b)); // the rule's own formula
    }
  }

  @Test
  void repeatedCallsGiveTheAllocatingFormsResultsInReusedBuffers() {
    var ws = ArraysAdjoint.prefixSquaresWorkspace();
    Random r = new Random(11);
    double[] previous = null;
    for (int call = 0; call < 50; call++) {
      int n = call < 25 ? 6 : 9; // the length changes once
      double[] x = RandomArrays.uniform(r, n);
      double scale = r.nextDouble();
      double value = ws.valueAndGrad(x, scale);
      var expected = ArraysAdjoint.prefixSquaresValueAndGrad(x, scale);
      assertThat(value).isEqualTo(expected.value());
      assertThat(ws.x()).usingExactEquality().containsExactly(expected.grad().x()).inOrder();
      assertThat(ws.scale()).isEqualTo(expected.grad().scale());
      if (previous != null && call != 25) {
        assertThat(ws.x()).isSameInstanceAs(previous); // reused while the length stays
      }
      if (call == 25) {
        assertThat(ws.x()).isNotSameInstanceAs(previous);
      }
      previous = ws.x();
    }
  }

  @Test
  void scalarLoopsBranchesAndRulesThroughAWorkspace() {
    var triangle = LoopsAdjoint.triangleWorkspace();
    var rule = LoopsAdjoint.ruleInLoopWorkspace();
    var search = LoopsAdjoint.firstAboveWorkspace();
    Random r = new Random(12);
    for (int call = 0; call < 200; call++) {
      double x = r.nextDouble() * 2 - 1;
      double y = r.nextDouble() * 2 - 1;
      var t = LoopsAdjoint.triangleValueAndGrad(x, y, 5);
      assertThat(triangle.valueAndGrad(x, y, 5)).isEqualTo(t.value());
      assertThat(triangle.x()).isEqualTo(t.grad().x());
      assertThat(triangle.y()).isEqualTo(t.grad().y());
      var u = LoopsAdjoint.ruleInLoopValueAndGrad(x, y);
      assertThat(rule.valueAndGrad(x, y)).isEqualTo(u.value());
      assertThat(rule.x()).isEqualTo(u.grad().x());
      assertThat(rule.y()).isEqualTo(u.grad().y());
      var v = LoopsAdjoint.firstAboveValueAndGrad(Math.abs(x), Math.abs(y));
      assertThat(search.valueAndGrad(Math.abs(x), Math.abs(y))).isEqualTo(v.value());
      assertThat(search.x()).isEqualTo(v.grad().x());
    }
  }

  @Test
  void oneWorkspacePerThread() throws Exception {
    double[][] points = new double[64][];
    Random r = new Random(13);
    for (int i = 0; i < points.length; i++) {
      points[i] = RandomArrays.uniform(r, 20);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          var ws = ArraysAdjoint.rosenbrockWorkspace();
          for (int k = 0; k < 20_000; k++) {
            double[] x = points[k % points.length];
            double value = ws.valueAndGrad(x);
            var expected = ArraysAdjoint.rosenbrockValueAndGrad(x);
            if (value != expected.value()
                || !java.util.Arrays.equals(ws.x(), expected.grad().x())) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
