package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.tests.RandomArrays.gaussian;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A Vjp's pullback may run any number of times, also at once on several threads, with the same
 * result: the reverse sweep walks local arrays back in place, and must leave them as the forward
 * sweep did.
 */
final class PullbackAgainTest {

  @Test
  void pullbackAgainGivesTheSameGradient() {
    Random r = new Random(51);
    for (int trial = 0; trial < 10; trial++) {
      double[] x = gaussian(r, 2 + trial);
      double scale = r.nextGaussian();
      var prefix = ArraysAdjoint.prefixSquaresVjp(x, scale);
      var first = prefix.pullback(1.0);
      var second = prefix.pullback(1.0);
      assertThat(second.x()).usingExactEquality().containsExactly(first.x()).inOrder();
      assertThat(second.scale()).isEqualTo(first.scale());
      assertThat(first.x()).usingExactEquality()
          .containsExactly(ArraysAdjoint.prefixSquaresGrad(x, scale).x()).inOrder();

      var calls = ArraysAdjoint.callThenOverwriteVjp(x);
      double[] once = calls.pullback(0.5).x();
      assertThat(calls.pullback(0.5).x()).usingExactEquality().containsExactly(once).inOrder();

      double[][] m = {gaussian(r, 3), gaussian(r, 3)};
      var scaled = MatricesAdjoint.scaledFrobeniusVjp(m, 1.5);
      double[][] a = scaled.pullback(1.0).m();
      double[][] b = scaled.pullback(1.0).m();
      for (int i = 0; i < m.length; i++) {
        assertThat(b[i]).usingExactEquality().containsExactly(a[i]).inOrder();
      }
    }
  }

  @Test
  void oneVjpPulledBackOnEightThreadsAtOnce() throws Exception {
    double[] x = gaussian(new Random(52), 40);
    var vjp = ArraysAdjoint.callThenOverwriteVjp(x);
    double[] expected = ArraysAdjoint.callThenOverwriteGrad(x).x();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          for (int k = 0; k < 2_000; k++) {
            if (!java.util.Arrays.equals(vjp.pullback(1.0).x(), expected)) {
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
