package dev.adjoint.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BatchTest {

  /** A workspace of one thread's range: it fails if two threads use it. */
  static final class Scratch {
    final double[] acc = new double[3];
    Thread owner;

    double work(int i) {
      if (owner == null) {
        owner = Thread.currentThread();
      }
      assertEquals(owner, Thread.currentThread());
      // a computation whose rounding depends on every step: any change of order shows
      double s = 0;
      for (int k = 1; k <= 200; k++) {
        acc[k % 3] = Math.sin(i * 0.37 + k) / k + acc[(k + 1) % 3] * 1e-3;
        s += acc[k % 3];
      }
      java.util.Arrays.fill(acc, 0);
      return s;
    }
  }

  private static double[] results(int n, int parallelism) {
    double[] out = new double[n];
    Batch.forEach(n, parallelism, Scratch::new, (ws, i) -> out[i] = ws.work(i));
    return out;
  }

  @Test
  void resultsAreBitIdenticalWhateverTheParallelism() {
    double[] one = results(257, 1);
    for (int p : new int[] {2, 3, 8, 300}) {
      assertArrayEquals(one, results(257, p), "parallelism " + p);
    }
    assertArrayEquals(one, results(257, Runtime.getRuntime().availableProcessors()));
  }

  @Test
  void everyIndexRunsOnceAndEachRangeHasItsOwnWorkspace() {
    int n = 1000;
    AtomicIntegerArray runs = new AtomicIntegerArray(n);
    Set<Scratch> made = Collections.newSetFromMap(new ConcurrentHashMap<>());
    Map<Scratch, Boolean> used = Collections.synchronizedMap(new IdentityHashMap<>());
    Batch.forEach(n, 4, () -> {
      Scratch s = new Scratch();
      made.add(s);
      return s;
    }, (ws, i) -> {
      runs.incrementAndGet(i);
      used.put(ws, true);
      ws.work(i);
    });
    for (int i = 0; i < n; i++) {
      assertEquals(1, runs.get(i), "index " + i);
    }
    assertEquals(4, made.size());
    assertEquals(4, used.size());
  }

  /**
   * A batch inside a batch's body (per-scenario fits, each over its examples) completes, on the
   * batch threads too, and gives the sequential results: a caller can take all of its own ranges,
   * so no thread waits on ranges that nobody runs.
   */
  @Test
  @Timeout(60) // a deadlock fails here instead of hanging the build
  void aBatchInsideABatchsBodyCompletes() {
    int outer = 12;
    int inner = 64;
    double[][] sums = new double[outer][inner];
    double[][] expected = new double[outer][inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        expected[o][i] = new Scratch().work(o * inner + i);
      }
    }
    for (int round = 0; round < 20; round++) {
      Batch.forEach(outer, 4, () -> null, (unused, o) ->
          Batch.forEach(inner, 3, Scratch::new, (ws, i) -> sums[o][i] = ws.work(o * inner + i)));
      for (int o = 0; o < outer; o++) {
        assertArrayEquals(expected[o], sums[o], "round " + round + ", scenario " + o);
      }
    }
  }

  @Test
  void emptyAndSingleBatchesRunInTheCaller() {
    Batch.forEach(0, 4, () -> {
      throw new AssertionError("no range, no workspace");
    }, (ws, i) -> {
      throw new AssertionError("no index");
    });
    Thread[] ran = new Thread[1];
    Batch.forEach(1, 4, Scratch::new, (ws, i) -> ran[0] = Thread.currentThread());
    assertEquals(Thread.currentThread(), ran[0]);
  }

  @Test
  void aBodysExceptionReachesTheCaller() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Batch.forEach(100, 2, Scratch::new, (ws, i) -> {
          if (i == 77) {
            throw new IllegalStateException("index 77");
          }
        }));
    assertTrue(e.getMessage().contains("index 77")
        || e.getCause() != null && e.getCause().getMessage().contains("index 77"), e.toString());
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> Batch.forEach(-1, 2, Scratch::new, (ws, i) -> {}));
    assertThrows(IllegalArgumentException.class,
        () -> Batch.forEach(3, 0, Scratch::new, (ws, i) -> {}));
    DifferentiableFunction f = new DifferentiableFunction() {
      @Override
      public int dimension() {
        return 1;
      }

      @Override
      public double value(double[] point) {
        return point[0] * point[0];
      }

      @Override
      public double valueAndGradient(double[] point, double[] gradientOut) {
        gradientOut[0] = 2 * point[0];
        return value(point);
      }
    };
    assertThrows(IllegalArgumentException.class, () -> Batch.valueAndGradient(f,
        new double[2][1], new double[1], new double[2][1]));
  }

  @Test
  void aFunctionsValuesAndGradientsAtEachPoint() {
    DifferentiableFunction f = new DifferentiableFunction() {
      @Override
      public int dimension() {
        return 2;
      }

      @Override
      public double value(double[] p) {
        return Math.exp(p[0]) * Math.sin(p[1]);
      }

      @Override
      public double valueAndGradient(double[] p, double[] g) {
        g[0] = Math.exp(p[0]) * Math.sin(p[1]);
        g[1] = Math.exp(p[0]) * Math.cos(p[1]);
        return value(p);
      }
    };
    int n = 50;
    double[][] points = new double[n][];
    for (int i = 0; i < n; i++) {
      points[i] = new double[] {0.01 * i, 1 - 0.03 * i};
    }
    double[] values = new double[n];
    double[][] grads = new double[n][2];
    Batch.valueAndGradient(f, points, values, grads);
    for (int i = 0; i < n; i++) {
      double[] g = new double[2];
      assertEquals(f.valueAndGradient(points[i], g), values[i]);
      assertArrayEquals(g, grads[i]);
    }
  }
}
