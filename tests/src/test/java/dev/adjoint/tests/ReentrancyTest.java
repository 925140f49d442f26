package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.tests.lib.KernelsAdjoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Generated code is reentrant: {@value #THREADS} threads, released together, make {@value
 * #CALLS_PER_THREAD} calls each on a mix of generated gradients, entry points and inputs (NaN,
 * infinities, signed zeros, ties at kinks, huge and tiny numbers, ordinary ones), and every value
 * and gradient component is bit for bit ({@link Double#doubleToRawLongBits}) what a sequential run
 * of the same calls gives, signed zeros included. NaN matches any NaN: the sign and payload of a
 * NaN are unspecified in Java and differ between interpreted and JIT-compiled code even on one
 * thread (see {@link #sameBits}).
 *
 * <p>Each call is chosen from (thread, index) by a fixed hash, so both runs make the same calls.
 * To cover another generated gradient (one with loops and tapes, say), add one {@link Gradient} to
 * {@link #gradients()}.
 */
final class ReentrancyTest {

  static final int THREADS = 8;
  static final int CALLS_PER_THREAD = 100_000;

  /** Input points: the differentiable arguments, then a cotangent for pullbacks. */
  private static final int POINTS = 1 << 12;

  private static final long SEED = 0xAD_2024_4L;

  /** Writes the value to {@code out[0]} and the gradient to {@code out[1..arity]}. */
  @FunctionalInterface
  interface Entry {
    void call(double[] in, double[] out);
  }

  /** {@code mVjp(in...)}, ready for pullbacks. */
  @FunctionalInterface
  interface VjpEntry {
    Pullback at(double[] in);
  }

  /** Writes {@code value()} to {@code out[0]} and {@code pullback(c)} to {@code out[1..arity]}. */
  @FunctionalInterface
  interface Pullback {
    void pull(double cotangent, double[] out);
  }

  /**
   * One generated gradient through its entry points: {@code mValueAndGrad}, {@code mVjp} and
   * {@code mFunction} (non-differentiable arguments bound to fixed values).
   */
  record Gradient(
      String name,
      int arity,
      Entry valueAndGrad,
      VjpEntry vjp,
      DifferentiableFunction function) {}

  /** How a call reaches its gradient. */
  enum Form {
    /** {@code mValueAndGrad(...)}. */
    VALUE_AND_GRAD,
    /** A fresh {@code mVjp(...)}, then {@code pullback(c)}. */
    VJP,
    /** One {@code mVjp(...)} per point, made before the runs and pulled back on every thread. */
    SHARED_VJP,
    /** {@code mFunction(...).valueAndGradient}, one function object shared by every thread. */
    FUNCTION
  }

  static List<Gradient> gradients() {
    List<Gradient> g = new ArrayList<>();
    // Straight-line code.
    g.add(
        new Gradient(
            "StaticImportMath.bump",
            2,
            (p, o) -> {
              var r = StaticImportMathAdjoint.bumpValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = StaticImportMathAdjoint.bumpVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            StaticImportMathAdjoint.bumpFunction()));
    g.add(
        new Gradient(
            "ElementaryFunctions.powers",
            2,
            (p, o) -> {
              var r = ElementaryFunctionsAdjoint.powersValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = ElementaryFunctionsAdjoint.powersVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            ElementaryFunctionsAdjoint.powersFunction()));
    g.add(
        new Gradient(
            "ElementaryFunctions.strictGeometry",
            2,
            (p, o) -> {
              var r = ElementaryFunctionsAdjoint.strictGeometryValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = ElementaryFunctionsAdjoint.strictGeometryVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            ElementaryFunctionsAdjoint.strictGeometryFunction()));
    g.add(
        new Gradient(
            "Statements.localsReassigned",
            2,
            (p, o) -> {
              var r = StatementsAdjoint.localsReassignedValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = StatementsAdjoint.localsReassignedVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            StatementsAdjoint.localsReassignedFunction()));
    // Branches, early returns, ternaries, kinks.
    g.add(
        new Gradient(
            "ControlFlow.nested",
            2,
            (p, o) -> {
              var r = ControlFlowAdjoint.nestedValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = ControlFlowAdjoint.nestedVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            ControlFlowAdjoint.nestedFunction()));
    g.add(
        new Gradient(
            "ControlFlow.ternaries",
            2,
            (p, o) -> {
              var r = ControlFlowAdjoint.ternariesValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = ControlFlowAdjoint.ternariesVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            ControlFlowAdjoint.ternariesFunction()));
    g.add(
        new Gradient(
            "ControlFlow.logic(flag false)",
            2,
            (p, o) -> {
              var r = ControlFlowAdjoint.logicValueAndGrad(p[0], p[1], false);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = ControlFlowAdjoint.logicVjp(p[0], p[1], false);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            ControlFlowAdjoint.logicFunction(false)));
    g.add(
        new Gradient(
            "Statements.overwrittenInBranch",
            2,
            (p, o) -> {
              var r = StatementsAdjoint.overwrittenInBranchValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = StatementsAdjoint.overwrittenInBranchVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            StatementsAdjoint.overwrittenInBranchFunction()));
    g.add(
        new Gradient(
            "PiecewiseFunctions.absMinMax",
            2,
            (p, o) -> {
              var r = PiecewiseFunctionsAdjoint.absMinMaxValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = PiecewiseFunctionsAdjoint.absMinMaxVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            PiecewiseFunctionsAdjoint.absMinMaxFunction()));
    g.add(
        new Gradient(
            "PiecewiseFunctions.clamp(lo -1, hi 1)",
            1,
            (p, o) -> {
              var r = PiecewiseFunctionsAdjoint.clampValueAndGrad(p[0], -1, 1);
              put(o, r.value(), r.grad().x());
            },
            p -> {
              var v = PiecewiseFunctionsAdjoint.clampVjp(p[0], -1, 1);
              return (c, o) -> put(o, v.value(), v.pullback(c).x());
            },
            PiecewiseFunctionsAdjoint.clampFunction(-1, 1)));
    // Calls between annotated methods, across classes and packages.
    g.add(
        new Gradient(
            "Calls.outer",
            2,
            (p, o) -> {
              var r = CallsAdjoint.outerValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = CallsAdjoint.outerVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            CallsAdjoint.outerFunction()));
    g.add(
        new Gradient(
            "Calls.composed",
            2,
            (p, o) -> {
              var r = CallsAdjoint.composedValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = CallsAdjoint.composedVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            CallsAdjoint.composedFunction()));
    g.add(
        new Gradient(
            "Calls.cubic(n 3)",
            1,
            (p, o) -> {
              var r = CallsAdjoint.cubicValueAndGrad(p[0], 3);
              put(o, r.value(), r.grad().x());
            },
            p -> {
              var v = CallsAdjoint.cubicVjp(p[0], 3);
              return (c, o) -> put(o, v.value(), v.pullback(c).x());
            },
            CallsAdjoint.cubicFunction(3)));
    g.add(
        new Gradient(
            "lib.Kernels.gaussian",
            2,
            (p, o) -> {
              var r = KernelsAdjoint.gaussianValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().width());
            },
            p -> {
              var v = KernelsAdjoint.gaussianVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.width());
              };
            },
            KernelsAdjoint.gaussianFunction()));
    // Custom rules, alone and called from derived code.
    g.add(
        new Gradient(
            "RuleCalls.scaledSin (rule)",
            2,
            (p, o) -> {
              var r = RuleCallsAdjoint.scaledSinValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = RuleCallsAdjoint.scaledSinVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            RuleCallsAdjoint.scaledSinFunction()));
    g.add(
        new Gradient(
            "RuleCalls.blend (rules, a call and a branch)",
            2,
            (p, o) -> {
              var r = RuleCallsAdjoint.blendValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = RuleCallsAdjoint.blendVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            RuleCallsAdjoint.blendFunction()));
    // Loops: each call records on its own tape; a shared Vjp reads its tape from many threads.
    g.add(
        new Gradient(
            "Loops.triangle (nested loops, a tape)",
            2,
            (p, o) -> {
              var r = LoopsAdjoint.triangleValueAndGrad(p[0], p[1], 5);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = LoopsAdjoint.triangleVjp(p[0], p[1], 5);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            LoopsAdjoint.triangleFunction(5)));
    g.add(
        new Gradient(
            "Loops.ruleInLoop (a rule and a branch in a loop)",
            2,
            (p, o) -> {
              var r = LoopsAdjoint.ruleInLoopValueAndGrad(p[0], p[1]);
              put(o, r.value(), r.grad().x(), r.grad().y());
            },
            p -> {
              var v = LoopsAdjoint.ruleInLoopVjp(p[0], p[1]);
              return (c, o) -> {
                var r = v.pullback(c);
                put(o, v.value(), r.x(), r.y());
              };
            },
            LoopsAdjoint.ruleInLoopFunction()));
    return g;
  }

  @Test
  void concurrentCallsGiveTheBitsOfASequentialRun() throws Exception {
    List<Gradient> gradients = gradients();
    Schedule schedule = new Schedule(gradients);

    long[][] sequential = new long[THREADS][];
    for (int t = 0; t < THREADS; t++) {
      sequential[t] = schedule.run(t);
    }
    schedule.assertCoverage(sequential);

    long[][] concurrent = new long[THREADS][];
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<long[]>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                  try {
                    return schedule.run(thread);
                  } finally {
                    running.decrementAndGet();
                  }
                }));
      }
      assertWithMessage("threads ready").that(ready.await(60, TimeUnit.SECONDS)).isTrue();
      go.countDown();
      for (int t = 0; t < THREADS; t++) {
        concurrent[t] = futures.get(t).get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertWithMessage("threads running the calls at the same time")
        .that(mostAtOnce.get())
        .isAtLeast(2);

    List<String> differences = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < CALLS_PER_THREAD; i++) {
        for (int k = 0; k < schedule.width; k++) {
          int at = i * schedule.width + k;
          if (!sameBits(concurrent[t][at], sequential[t][at]) && differences.size() < 20) {
            differences.add(schedule.describe(t, i, k, sequential[t][at], concurrent[t][at]));
          }
        }
      }
    }
    assertWithMessage("results that differ from the sequential run (at most 20 shown)")
        .that(differences)
        .isEmpty();
  }

  /** The calls each thread makes, and their results as raw bits. */
  private static final class Schedule {
    final List<Gradient> gradients;
    final Form[] forms = Form.values();
    /** Doubles per call: the value and the widest gradient. */
    final int width;
    /** POINTS rows: the arguments (as many as the widest gradient has), then a cotangent. */
    final double[][] points;
    /** The {@link Form#SHARED_VJP} objects, by gradient and point. */
    final Pullback[][] shared;

    Schedule(List<Gradient> gradients) {
      this.gradients = List.copyOf(gradients);
      int arity = gradients.stream().mapToInt(Gradient::arity).max().orElseThrow();
      this.width = 1 + arity;
      this.points = points(arity, new SplittableRandom(SEED));
      this.shared = new Pullback[gradients.size()][POINTS];
      for (int g = 0; g < gradients.size(); g++) {
        for (int p = 0; p < POINTS; p++) {
          shared[g][p] = gradients.get(g).vjp().at(arguments(g, p));
        }
      }
    }

    /** The calls of thread {@code t}, in order; the results of call i at [i * width, ...). */
    long[] run(int t) {
      long[] results = new long[CALLS_PER_THREAD * width];
      double[] out = new double[width];
      for (int i = 0; i < CALLS_PER_THREAD; i++) {
        long h = hash(t, i);
        int g = gradient(h);
        int p = point(h);
        Arrays.fill(out, 0.0);
        call(g, form(h), p, out);
        for (int k = 0; k < width; k++) {
          results[i * width + k] = Double.doubleToRawLongBits(out[k]);
        }
      }
      return results;
    }

    private void call(int g, Form form, int p, double[] out) {
      Gradient gradient = gradients.get(g);
      double cotangent = points[p][points[p].length - 1];
      switch (form) {
        case VALUE_AND_GRAD:
          gradient.valueAndGrad().call(arguments(g, p), out);
          break;
        case VJP:
          gradient.vjp().at(arguments(g, p)).pull(cotangent, out);
          break;
        case SHARED_VJP:
          shared[g][p].pull(cotangent, out);
          break;
        case FUNCTION:
          double[] gradientOut = new double[gradient.arity()];
          out[0] = gradient.function().valueAndGradient(arguments(g, p), gradientOut);
          System.arraycopy(gradientOut, 0, out, 1, gradientOut.length);
          break;
      }
    }

    /** Every gradient through every form, and results both finite and not. */
    void assertCoverage(long[][] results) {
      boolean[][] reached = new boolean[gradients.size()][forms.length];
      int finite = 0;
      int nonFinite = 0;
      for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < CALLS_PER_THREAD; i++) {
          long h = hash(t, i);
          reached[gradient(h)][form(h).ordinal()] = true;
          if (Double.isFinite(Double.longBitsToDouble(results[t][i * width + 1]))) {
            finite++;
          } else {
            nonFinite++;
          }
        }
      }
      for (int g = 0; g < gradients.size(); g++) {
        for (Form f : forms) {
          assertWithMessage("%s through %s is called", gradients.get(g).name(), f)
              .that(reached[g][f.ordinal()])
              .isTrue();
        }
      }
      assertThat(finite).isGreaterThan(CALLS_PER_THREAD);
      assertThat(nonFinite).isGreaterThan(CALLS_PER_THREAD / 10);
    }

    String describe(int t, int i, int k, long expected, long actual) {
      long h = hash(t, i);
      int g = gradient(h);
      int p = point(h);
      return String.format(
          "thread %d call %d: %s via %s at %s (cotangent %s): %s is %s (0x%016x), sequential"
              + " %s (0x%016x)",
          t,
          i,
          gradients.get(g).name(),
          form(h),
          Arrays.toString(arguments(g, p)),
          points[p][points[p].length - 1],
          k == 0 ? "value" : "gradient[" + (k - 1) + "]",
          Double.longBitsToDouble(actual),
          actual,
          Double.longBitsToDouble(expected),
          expected);
    }

    private double[] arguments(int g, int p) {
      return Arrays.copyOf(points[p], gradients.get(g).arity());
    }

    private int gradient(long h) {
      return (int) Long.remainderUnsigned(h, gradients.size());
    }

    private Form form(long h) {
      return forms[(int) Long.remainderUnsigned(h >>> 20, forms.length)];
    }

    private static int point(long h) {
      return (int) (h >>> 40) & (POINTS - 1);
    }

    /** A fixed mix of (thread, call index): the same calls in both runs. */
    private static long hash(int t, int i) {
      long z = SEED + 0x9E3779B97F4A7C15L * (((long) t << 32) | i);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }

  /**
   * Mixed inputs: mostly ordinary numbers in [-3, 3]; often a special value (zeros of both signs,
   * ±1, NaN, infinities, huge and tiny); sometimes the second argument equals the first (ties of
   * min and max, kinks of abs). The last column is a cotangent.
   */
  private static double[][] points(int arity, SplittableRandom random) {
    double[] special = {
      0.0, -0.0, 1.0, -1.0, 2.0, 0.5, Math.PI, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, 1e300, -1e300, 1e-300, Double.MIN_VALUE
    };
    double[] cotangents = {1.0, -1.0, 0.0, 2.5, -0.375, 1e-3, Double.NaN};
    double[][] points = new double[POINTS][arity + 1];
    for (double[] p : points) {
      for (int j = 0; j < arity; j++) {
        double u = random.nextDouble();
        if (j > 0 && u < 0.1) {
          p[j] = p[j - 1];
        } else if (u < 0.3) {
          p[j] = special[random.nextInt(special.length)];
        } else {
          p[j] = random.nextDouble(-3, 3);
        }
      }
      p[arity] = cotangents[random.nextInt(cotangents.length)];
    }
    return points;
  }

  /**
   * The same raw bits, except that any NaN matches any NaN: the JLS leaves the sign and payload of
   * a NaN unspecified, and HotSpot gives different ones in interpreted and compiled code (two
   * sequential runs of these calls on one thread differ that way). Signed zeros stay distinct.
   */
  static boolean sameBits(long a, long b) {
    return a == b
        || (Double.isNaN(Double.longBitsToDouble(a)) && Double.isNaN(Double.longBitsToDouble(b)));
  }

  private static void put(double[] out, double... values) {
    System.arraycopy(values, 0, out, 0, values.length);
  }
}
