package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Helpers with out-parameters ({@link OutParams}), through their callers' generated members:
 * the value bit for bit the plain Java's (which runs the helpers themselves, so aliasing and
 * partial writes mean what Java says); the gradient against central differences of the plain
 * Java (GradCheck) and, where there is one, a closed form; {@code mGrad}, {@code
 * mValueAndGrad}, a Vjp's pullback run twice and a workspace used twice agreeing exactly; and
 * {@code mJvp} along random directions against the gradient's dot product with them.
 */
final class OutParamsTest {

  /** The forms of one caller at one point, the differentiable inputs flattened. */
  private record Forms(
      double[] point,
      DifferentiableFunction function,
      DoubleSupplier primal,
      Supplier<double[]> grad,
      Supplier<double[]> valueAndGrad,
      DoubleSupplier value,
      Supplier<double[][]> pullbackTwice,
      Supplier<double[][]> workspaceTwice,
      ToDoubleFunction<double[]> jvp,
      DoubleSupplier jvpValue) {}

  private static double[] random(SplittableRandom rnd, int n) {
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = rnd.nextDouble(-1.2, 1.2);
    }
    return p;
  }

  private static double[][] random(SplittableRandom rnd, int rows, int cols) {
    double[][] m = new double[rows][];
    for (int i = 0; i < rows; i++) {
      m[i] = random(rnd, cols);
    }
    return m;
  }

  /** Every check of {@link OutParamsTest}'s comment but the closed form; returns the gradient. */
  private static double[] check(Forms f) {
    GradCheck.defaults().assertGradient(f.function(), f.point());
    double[] g = f.grad().get();
    assertThat(f.value().getAsDouble()).isEqualTo(f.primal().getAsDouble());
    assertThat(f.jvpValue().getAsDouble()).isEqualTo(f.primal().getAsDouble());
    assertThat(f.valueAndGrad().get()).usingExactEquality().containsExactly(g).inOrder();
    double[][] twice = f.pullbackTwice().get();
    Rounding.assertSameToRounding(twice[0], g);
    assertThat(twice[1]).usingExactEquality().containsExactly(twice[0]).inOrder();
    double[][] ws = f.workspaceTwice().get();
    assertThat(ws[0]).usingExactEquality().containsExactly(g).inOrder();
    assertThat(ws[1]).usingExactEquality().containsExactly(g).inOrder();
    SplittableRandom rnd = new SplittableRandom(7);
    for (int k = 0; k < 3; k++) {
      double[] dir = random(rnd, g.length);
      double dot = 0;
      double scale = 0;
      for (int i = 0; i < g.length; i++) {
        dot += g[i] * dir[i];
        scale += Math.abs(g[i] * dir[i]);
      }
      double tangent = f.jvp().applyAsDouble(dir);
      assertThat(tangent).isWithin(1e-12 * (1 + scale)).of(dot);
      // And against a central difference of the plain Java along dir.
      double eps = 1e-6;
      double[] up = f.point().clone();
      double[] down = f.point().clone();
      for (int i = 0; i < up.length; i++) {
        up[i] += eps * dir[i];
        down[i] -= eps * dir[i];
      }
      double difference = (f.function().value(up) - f.function().value(down)) / (2 * eps);
      assertThat(tangent).isWithin(1e-6 * (1 + scale)).of(difference);
    }
    return g;
  }

  private static double[] concat(double[]... parts) {
    int n = 0;
    for (double[] p : parts) {
      n += p.length;
    }
    double[] out = new double[n];
    int at = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static double[] flat(double[][] m) {
    return concat(m);
  }

  private static void assertClose(double[] actual, double[] expected) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).isWithin(1e-12 * (1 + Math.abs(expected[i]))).of(expected[i]);
    }
  }

  // ---------------------------------------------------------------- the cases

  @Test
  void aLayerWritesIntoTheCallersArray() {
    SplittableRandom rnd = new SplittableRandom(1);
    for (int trial = 0; trial < 5; trial++) {
      double[][] w = random(rnd, 3, 4);
      double[] x = random(rnd, 4);
      Function<double[], OutParamsAdjoint.LayerLossGrad> shaped =
          p -> OutParamsAdjoint.layerLossUnflatten(p, w, x);
      double[] g = check(new Forms(
          OutParamsAdjoint.layerLossFlatten(w, x),
          OutParamsAdjoint.layerLossFunction(w, x),
          () -> OutParams.layerLoss(w, x),
          () -> {
            var r = OutParamsAdjoint.layerLossGrad(w, x);
            return concat(flat(r.w()), r.x());
          },
          () -> {
            var r = OutParamsAdjoint.layerLossValueAndGrad(w, x).grad();
            return concat(flat(r.w()), r.x());
          },
          () -> OutParamsAdjoint.layerLossValueAndGrad(w, x).value(),
          () -> {
            var vjp = OutParamsAdjoint.layerLossVjp(w, x);
            var a = vjp.pullback(1.0);
            var b = vjp.pullback(1.0);
            return new double[][] {concat(flat(a.w()), a.x()), concat(flat(b.w()), b.x())};
          },
          () -> {
            var ws = OutParamsAdjoint.layerLossWorkspace();
            ws.valueAndGrad(w, x);
            double[] a = concat(flat(ws.w()), ws.x());
            ws.valueAndGrad(w, x);
            return new double[][] {a, concat(flat(ws.w()), ws.x())};
          },
          dir -> {
            var d = shaped.apply(dir);
            return OutParamsAdjoint.layerLossJvp(w, x, d.w(), d.x()).tangent();
          },
          () -> OutParamsAdjoint.layerLossJvp(w, x, null, null).value()));
      // Closed form: L = sum_i h_i^2, h = tanh(w x).
      double[][] gw = new double[3][4];
      double[] gx = new double[4];
      for (int i = 0; i < 3; i++) {
        double s = 0;
        for (int j = 0; j < 4; j++) {
          s += w[i][j] * x[j];
        }
        double h = Math.tanh(s);
        double d = 2 * h * (1 - h * h);
        for (int j = 0; j < 4; j++) {
          gw[i][j] = d * x[j];
          gx[j] += d * w[i][j];
        }
      }
      assertClose(g, concat(flat(gw), gx));
    }
  }

  /** The forms of a caller of one double[] parameter, through its generated members. */
  private static Forms oneArray(double[] x, ToDoubleFunction<double[]> primal,
      Function<double[], DifferentiableFunction> function,
      Function<double[], double[]> grad,
      Function<double[], double[]> valueAndGrad,
      ToDoubleFunction<double[]> value,
      Function<double[], double[][]> pullbackTwice,
      Function<double[], double[][]> workspaceTwice,
      java.util.function.ToDoubleBiFunction<double[], double[]> jvp,
      ToDoubleFunction<double[]> jvpValue) {
    return new Forms(x.clone(), function.apply(x), () -> primal.applyAsDouble(x),
        () -> grad.apply(x), () -> valueAndGrad.apply(x), () -> value.applyAsDouble(x),
        () -> pullbackTwice.apply(x), () -> workspaceTwice.apply(x),
        dir -> jvp.applyAsDouble(x, dir), () -> jvpValue.applyAsDouble(x));
  }

  @Test
  void theSameArrayAsInputAndOutputReadsWhatTheHelperWrote() {
    SplittableRandom rnd = new SplittableRandom(2);
    for (int trial = 0; trial < 5; trial++) {
      double[] x = random(rnd, 5);
      double[] g = check(oneArray(x, OutParams::aliased,
          OutParamsAdjoint::aliasedFunction,
          p -> OutParamsAdjoint.aliasedGrad(p).x(),
          p -> OutParamsAdjoint.aliasedValueAndGrad(p).grad().x(),
          p -> OutParamsAdjoint.aliasedValueAndGrad(p).value(),
          p -> {
            var vjp = OutParamsAdjoint.aliasedVjp(p);
            return new double[][] {vjp.pullback(1.0).x(), vjp.pullback(1.0).x()};
          },
          p -> {
            var ws = OutParamsAdjoint.aliasedWorkspace();
            ws.valueAndGrad(p);
            double[] a = ws.x().clone();
            ws.valueAndGrad(p);
            return new double[][] {a, ws.x()};
          },
          (p, d) -> OutParamsAdjoint.aliasedJvp(p, d).tangent(),
          p -> OutParamsAdjoint.aliasedJvp(p, null).value()));
      // In place, in order: a_i = x_i x_(i+1) for i < 4, a_4 = x_4 (x_0 x_1); s = sum (i+1) a_i.
      double[] expected = new double[5];
      for (int i = 0; i < 4; i++) {
        expected[i] += (i + 1) * x[i + 1];
        expected[i + 1] += (i + 1) * x[i];
      }
      expected[4] += 5 * x[0] * x[1];
      expected[0] += 5 * x[4] * x[1];
      expected[1] += 5 * x[4] * x[0];
      assertClose(g, expected);
    }
  }

  @Test
  void theOutArrayReadBeforeAndAfterTheCall() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int trial = 0; trial < 5; trial++) {
      double[][] w = random(rnd, 3, 2);
      double[] x = random(rnd, 2);
      Function<double[], OutParamsAdjoint.ReadBeforeAndAfterGrad> shaped =
          p -> OutParamsAdjoint.readBeforeAndAfterUnflatten(p, w, x);
      check(new Forms(
          OutParamsAdjoint.readBeforeAndAfterFlatten(w, x),
          OutParamsAdjoint.readBeforeAndAfterFunction(w, x),
          () -> OutParams.readBeforeAndAfter(w, x),
          () -> {
            var r = OutParamsAdjoint.readBeforeAndAfterGrad(w, x);
            return concat(flat(r.w()), r.x());
          },
          () -> {
            var r = OutParamsAdjoint.readBeforeAndAfterValueAndGrad(w, x).grad();
            return concat(flat(r.w()), r.x());
          },
          () -> OutParamsAdjoint.readBeforeAndAfterValueAndGrad(w, x).value(),
          () -> {
            var vjp = OutParamsAdjoint.readBeforeAndAfterVjp(w, x);
            var a = vjp.pullback(1.0);
            var b = vjp.pullback(1.0);
            return new double[][] {concat(flat(a.w()), a.x()), concat(flat(b.w()), b.x())};
          },
          () -> {
            var ws = OutParamsAdjoint.readBeforeAndAfterWorkspace();
            ws.valueAndGrad(w, x);
            double[] a = concat(flat(ws.w()), ws.x());
            ws.valueAndGrad(w, x);
            return new double[][] {a, concat(flat(ws.w()), ws.x())};
          },
          dir -> {
            var d = shaped.apply(dir);
            return OutParamsAdjoint.readBeforeAndAfterJvp(w, x, d.w(), d.x()).tangent();
          },
          () -> OutParamsAdjoint.readBeforeAndAfterJvp(w, x, null, null).value()));
    }
  }

  /** The forms of a caller of weights {@code w} and data {@code xs}. */
  private interface WeightsAndData {
    Forms at(double[][] w, double[][] xs);
  }

  @Test
  void aBufferWrittenOnEveryTripOfALoop() {
    WeightsAndData forms = (w, xs) -> new Forms(
        OutParamsAdjoint.bufferInLoopFlatten(w),
        OutParamsAdjoint.bufferInLoopFunction(w, xs),
        () -> OutParams.bufferInLoop(w, xs),
        () -> flat(OutParamsAdjoint.bufferInLoopGrad(w, xs).w()),
        () -> flat(OutParamsAdjoint.bufferInLoopValueAndGrad(w, xs).grad().w()),
        () -> OutParamsAdjoint.bufferInLoopValueAndGrad(w, xs).value(),
        () -> {
          var vjp = OutParamsAdjoint.bufferInLoopVjp(w, xs);
          return new double[][] {flat(vjp.pullback(1.0).w()), flat(vjp.pullback(1.0).w())};
        },
        () -> {
          var ws = OutParamsAdjoint.bufferInLoopWorkspace();
          ws.valueAndGrad(w, xs);
          double[] a = flat(ws.w());
          ws.valueAndGrad(w, xs);
          return new double[][] {a, flat(ws.w())};
        },
        dir -> OutParamsAdjoint.bufferInLoopJvp(w, xs,
            OutParamsAdjoint.bufferInLoopUnflatten(dir, w).w()).tangent(),
        () -> OutParamsAdjoint.bufferInLoopJvp(w, xs, null).value());
    SplittableRandom rnd = new SplittableRandom(4);
    for (int trial = 0; trial < 5; trial++) {
      double[][] w = random(rnd, 2, 3);
      double[][] xs = random(rnd, 4, 3);
      double[] g = check(forms.at(w, xs));
      // Closed form: sum_k h0^2 + h1, h = tanh(w x_k).
      double[][] expected = new double[2][3];
      for (double[] x : xs) {
        for (int i = 0; i < 2; i++) {
          double s = 0;
          for (int j = 0; j < 3; j++) {
            s += w[i][j] * x[j];
          }
          double h = Math.tanh(s);
          double d = (i == 0 ? 2 * h : 1) * (1 - h * h);
          for (int j = 0; j < 3; j++) {
            expected[i][j] += d * x[j];
          }
        }
      }
      assertClose(g, flat(expected));
    }
  }

  @Test
  void aHelperThatAccumulatesIntoItsOutArray() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int trial = 0; trial < 5; trial++) {
      double[] c = random(rnd, 3);
      double[] x = random(rnd, 4);
      double[] g = check(new Forms(
          OutParamsAdjoint.accumulateFlatten(c, x),
          OutParamsAdjoint.accumulateFunction(c, x),
          () -> OutParams.accumulate(c, x),
          () -> {
            var r = OutParamsAdjoint.accumulateGrad(c, x);
            return concat(r.c(), r.x());
          },
          () -> {
            var r = OutParamsAdjoint.accumulateValueAndGrad(c, x).grad();
            return concat(r.c(), r.x());
          },
          () -> OutParamsAdjoint.accumulateValueAndGrad(c, x).value(),
          () -> {
            var vjp = OutParamsAdjoint.accumulateVjp(c, x);
            var a = vjp.pullback(1.0);
            var b = vjp.pullback(1.0);
            return new double[][] {concat(a.c(), a.x()), concat(b.c(), b.x())};
          },
          () -> {
            var ws = OutParamsAdjoint.accumulateWorkspace();
            ws.valueAndGrad(c, x);
            double[] a = concat(ws.c(), ws.x());
            ws.valueAndGrad(c, x);
            return new double[][] {a, concat(ws.c(), ws.x())};
          },
          dir -> {
            var d = OutParamsAdjoint.accumulateUnflatten(dir, c, x);
            return OutParamsAdjoint.accumulateJvp(c, x, d.c(), d.x()).tangent();
          },
          () -> OutParamsAdjoint.accumulateJvp(c, x, null, null).value()));
      // acc = (sum c) x, L = (sum c)^2 |x|^2: dL/dc_k = 2 (sum c) |x|^2, dL/dx = 2 (sum c)^2 x.
      double sc = c[0] + c[1] + c[2];
      double xx = 0;
      for (double v : x) {
        xx += v * v;
      }
      double[] expected = new double[7];
      for (int k = 0; k < 3; k++) {
        expected[k] = 2 * sc * xx;
      }
      for (int i = 0; i < 4; i++) {
        expected[3 + i] = 2 * sc * sc * x[i];
      }
      assertClose(g, expected);
    }
  }

  @Test
  void aHelperThatWritesOnlyPartOfItsOutArray() {
    SplittableRandom rnd = new SplittableRandom(6);
    for (int n : new int[] {0, 1, 4, 5}) {
      double[] x = random(rnd, n);
      double[] g = check(oneArray(x, OutParams::partialWrite,
          OutParamsAdjoint::partialWriteFunction,
          p -> OutParamsAdjoint.partialWriteGrad(p).x(),
          p -> OutParamsAdjoint.partialWriteValueAndGrad(p).grad().x(),
          p -> OutParamsAdjoint.partialWriteValueAndGrad(p).value(),
          p -> {
            var vjp = OutParamsAdjoint.partialWriteVjp(p);
            return new double[][] {vjp.pullback(1.0).x(), vjp.pullback(1.0).x()};
          },
          p -> {
            var ws = OutParamsAdjoint.partialWriteWorkspace();
            ws.valueAndGrad(p);
            double[] a = ws.x().clone();
            ws.valueAndGrad(p);
            return new double[][] {a, ws.x()};
          },
          (p, d) -> OutParamsAdjoint.partialWriteJvp(p, d).tangent(),
          p -> OutParamsAdjoint.partialWriteJvp(p, null).value()));
      // out_i = x_i^2 for i < n / 2, sin(x_i) after; L = sum (i + 2) out_i.
      double[] expected = new double[n];
      for (int i = 0; i < n; i++) {
        expected[i] = (i + 2) * (i < n / 2 ? 2 * x[i] : Math.cos(x[i]));
      }
      assertClose(g, expected);
    }
  }

  @Test
  void aRowOfAMatrixAsTheOutArgument() {
    WeightsAndData forms = (w, xs) -> new Forms(
        OutParamsAdjoint.rowsAsOutFlatten(w),
        OutParamsAdjoint.rowsAsOutFunction(w, xs),
        () -> OutParams.rowsAsOut(w, xs),
        () -> flat(OutParamsAdjoint.rowsAsOutGrad(w, xs).w()),
        () -> flat(OutParamsAdjoint.rowsAsOutValueAndGrad(w, xs).grad().w()),
        () -> OutParamsAdjoint.rowsAsOutValueAndGrad(w, xs).value(),
        () -> {
          var vjp = OutParamsAdjoint.rowsAsOutVjp(w, xs);
          return new double[][] {flat(vjp.pullback(1.0).w()), flat(vjp.pullback(1.0).w())};
        },
        () -> {
          var ws = OutParamsAdjoint.rowsAsOutWorkspace();
          ws.valueAndGrad(w, xs);
          double[] a = flat(ws.w());
          ws.valueAndGrad(w, xs);
          return new double[][] {a, flat(ws.w())};
        },
        dir -> OutParamsAdjoint.rowsAsOutJvp(w, xs,
            OutParamsAdjoint.rowsAsOutUnflatten(dir, w).w()).tangent(),
        () -> OutParamsAdjoint.rowsAsOutJvp(w, xs, null).value());
    SplittableRandom rnd = new SplittableRandom(8);
    for (int trial = 0; trial < 5; trial++) {
      double[][] w = random(rnd, 3, 2);
      double[][] xs = random(rnd, 4, 2);
      double[] g = check(forms.at(w, xs));
      // L = sum_k (k + 1) sum_i tanh(w_i . x_k).
      double[][] expected = new double[3][2];
      for (int k = 0; k < xs.length; k++) {
        for (int i = 0; i < 3; i++) {
          double h = Math.tanh(w[i][0] * xs[k][0] + w[i][1] * xs[k][1]);
          for (int j = 0; j < 2; j++) {
            expected[i][j] += (k + 1) * (1 - h * h) * xs[k][j];
          }
        }
      }
      assertClose(g, flat(expected));
    }
  }

  @Test
  void aHelperThatPassesItsOutArraysOnToAnother() {
    SplittableRandom rnd = new SplittableRandom(9);
    for (int trial = 0; trial < 5; trial++) {
      double[][] w1 = random(rnd, 3, 2);
      double[][] w2 = random(rnd, 2, 3);
      double[][] xs = random(rnd, 3, 2);
      check(new Forms(
          OutParamsAdjoint.nestedFlatten(w1, w2),
          OutParamsAdjoint.nestedFunction(w1, w2, xs),
          () -> OutParams.nested(w1, w2, xs),
          () -> {
            var r = OutParamsAdjoint.nestedGrad(w1, w2, xs);
            return concat(flat(r.w1()), flat(r.w2()));
          },
          () -> {
            var r = OutParamsAdjoint.nestedValueAndGrad(w1, w2, xs).grad();
            return concat(flat(r.w1()), flat(r.w2()));
          },
          () -> OutParamsAdjoint.nestedValueAndGrad(w1, w2, xs).value(),
          () -> {
            var vjp = OutParamsAdjoint.nestedVjp(w1, w2, xs);
            var a = vjp.pullback(1.0);
            var b = vjp.pullback(1.0);
            return new double[][] {concat(flat(a.w1()), flat(a.w2())),
                concat(flat(b.w1()), flat(b.w2()))};
          },
          () -> {
            var ws = OutParamsAdjoint.nestedWorkspace();
            ws.valueAndGrad(w1, w2, xs);
            double[] a = concat(flat(ws.w1()), flat(ws.w2()));
            ws.valueAndGrad(w1, w2, xs);
            return new double[][] {a, concat(flat(ws.w1()), flat(ws.w2()))};
          },
          dir -> {
            var d = OutParamsAdjoint.nestedUnflatten(dir, w1, w2);
            return OutParamsAdjoint.nestedJvp(w1, w2, xs, d.w1(), d.w2()).tangent();
          },
          () -> OutParamsAdjoint.nestedJvp(w1, w2, xs, null, null).value()));
    }
  }

  @Test
  void aDoubleHelperThatAlsoWrites() {
    SplittableRandom rnd = new SplittableRandom(10);
    for (int trial = 0; trial < 8; trial++) {
      double[] x = random(rnd, 3);
      check(oneArray(x, OutParams::normAndDirection,
          OutParamsAdjoint::normAndDirectionFunction,
          p -> OutParamsAdjoint.normAndDirectionGrad(p).x(),
          p -> OutParamsAdjoint.normAndDirectionValueAndGrad(p).grad().x(),
          p -> OutParamsAdjoint.normAndDirectionValueAndGrad(p).value(),
          p -> {
            var vjp = OutParamsAdjoint.normAndDirectionVjp(p);
            return new double[][] {vjp.pullback(1.0).x(), vjp.pullback(1.0).x()};
          },
          p -> {
            var ws = OutParamsAdjoint.normAndDirectionWorkspace();
            ws.valueAndGrad(p);
            double[] a = ws.x().clone();
            ws.valueAndGrad(p);
            return new double[][] {a, ws.x()};
          },
          (p, d) -> OutParamsAdjoint.normAndDirectionJvp(p, d).tangent(),
          p -> OutParamsAdjoint.normAndDirectionJvp(p, null).value()));
    }
    // Closed form at x = (3, 4, 0): u = x / 5, r = 5 u_0 = x_0 = 3; normalizeInto(u, u) = 1 > 0.5
    // leaves u unchanged (|u| = 1) but for rounding: r = x_0 + x_1 / |x| + x_0 / |x|.
    double[] x = {3, 4, 0};
    double[] g = OutParamsAdjoint.normAndDirectionGrad(x).x();
    // d/dx of x_0 + (x_0 + x_1) / |x| at (3, 4, 0), |x| = 5.
    double n = 5;
    double s = 7;
    assertClose(g, new double[] {1 + 1 / n - s * 3 / (n * n * n), 1 / n - s * 4 / (n * n * n),
        0});
  }

  @Test
  void aDiscreteArrayAlongside() {
    SplittableRandom rnd = new SplittableRandom(11);
    int[] idx = {2, 0, 2, 1};
    for (int trial = 0; trial < 5; trial++) {
      double[] x = random(rnd, 3);
      double[] g = check(oneArray(x, p -> OutParams.withIndices(p, idx),
          p -> OutParamsAdjoint.withIndicesFunction(p, idx),
          p -> OutParamsAdjoint.withIndicesGrad(p, idx).x(),
          p -> OutParamsAdjoint.withIndicesValueAndGrad(p, idx).grad().x(),
          p -> OutParamsAdjoint.withIndicesValueAndGrad(p, idx).value(),
          p -> {
            var vjp = OutParamsAdjoint.withIndicesVjp(p, idx);
            return new double[][] {vjp.pullback(1.0).x(), vjp.pullback(1.0).x()};
          },
          p -> {
            var ws = OutParamsAdjoint.withIndicesWorkspace();
            ws.valueAndGrad(p, idx);
            double[] a = ws.x().clone();
            ws.valueAndGrad(p, idx);
            return new double[][] {a, ws.x()};
          },
          (p, d) -> OutParamsAdjoint.withIndicesJvp(p, idx, d).tangent(),
          p -> OutParamsAdjoint.withIndicesJvp(p, idx, null).value()));
      // L = sum_i x[idx[i]]^2 + 10 max_i x[idx[i]].
      double[] expected = new double[3];
      int best = 0;
      for (int i = 0; i < idx.length; i++) {
        expected[idx[i]] += 2 * x[idx[i]];
        if (x[idx[i]] > x[idx[best]]) {
          best = i;
        }
      }
      expected[idx[best]] += 10;
      assertClose(g, expected);
      assertThat(idx).asList().containsExactly(2, 0, 2, 1).inOrder();
    }
  }

  @Test
  void anArrayResultFilledByAHelper() {
    SplittableRandom rnd = new SplittableRandom(14);
    for (int trial = 0; trial < 5; trial++) {
      double[][] w = random(rnd, 3, 2);
      double[] x = random(rnd, 2);
      // y_i = tanh(a_i)^2, a_i = w_i . x: d y_i / d w_ij = 2 t (1 - t^2) x_j, d y_i / d x_j =
      // 2 t (1 - t^2) w_ij; columns: w row-major, then x.
      double[][] expected = new double[3][8];
      for (int i = 0; i < 3; i++) {
        double t = Math.tanh(w[i][0] * x[0] + w[i][1] * x[1]);
        double d = 2 * t * (1 - t * t);
        for (int j = 0; j < 2; j++) {
          expected[i][2 * i + j] = d * x[j];
          expected[i][6 + j] = d * w[i][j];
        }
      }
      double[][] jacobian = OutParamsAdjoint.arrayResultJacobian(w, x);
      assertThat(OutParamsAdjoint.arrayResultVjp(w, x).value()).usingExactEquality()
          .containsExactly(OutParams.arrayResult(w, x)).inOrder();
      for (int i = 0; i < 3; i++) {
        assertClose(jacobian[i], expected[i]);
        double[] cotangent = new double[3];
        cotangent[i] = 1;
        var row = OutParamsAdjoint.arrayResultVjp(w, x).pullback(cotangent);
        assertClose(concat(flat(row.w()), row.x()), expected[i]);
      }
      double[][] wDot = random(rnd, 3, 2);
      double[] xDot = random(rnd, 2);
      double[] tangent = OutParamsAdjoint.arrayResultJvp(w, x, wDot, xDot).tangent();
      double[] direction = concat(flat(wDot), xDot);
      for (int i = 0; i < 3; i++) {
        double dot = 0;
        for (int k = 0; k < 8; k++) {
          dot += expected[i][k] * direction[k];
        }
        assertThat(tangent[i]).isWithin(1e-12).of(dot);
      }
    }
  }

  @Test
  void aWholeMatrixAsTheOutArgument() {
    SplittableRandom rnd = new SplittableRandom(15);
    for (int trial = 0; trial < 5; trial++) {
      double[] a = random(rnd, 3);
      double[] b = random(rnd, 2);
      double[] g = check(new Forms(
          OutParamsAdjoint.outerLossFlatten(a, b),
          OutParamsAdjoint.outerLossFunction(a, b),
          () -> OutParams.outerLoss(a, b),
          () -> {
            var r = OutParamsAdjoint.outerLossGrad(a, b);
            return concat(r.a(), r.b());
          },
          () -> {
            var r = OutParamsAdjoint.outerLossValueAndGrad(a, b).grad();
            return concat(r.a(), r.b());
          },
          () -> OutParamsAdjoint.outerLossValueAndGrad(a, b).value(),
          () -> {
            var vjp = OutParamsAdjoint.outerLossVjp(a, b);
            var p = vjp.pullback(1.0);
            var q = vjp.pullback(1.0);
            return new double[][] {concat(p.a(), p.b()), concat(q.a(), q.b())};
          },
          () -> {
            var ws = OutParamsAdjoint.outerLossWorkspace();
            ws.valueAndGrad(a, b);
            double[] first = concat(ws.a(), ws.b());
            ws.valueAndGrad(a, b);
            return new double[][] {first, concat(ws.a(), ws.b())};
          },
          dir -> {
            var d = OutParamsAdjoint.outerLossUnflatten(dir, a, b);
            return OutParamsAdjoint.outerLossJvp(a, b, d.a(), d.b()).tangent();
          },
          () -> OutParamsAdjoint.outerLossJvp(a, b, null, null).value()));
      double aa = a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
      double bb = b[0] * b[0] + b[1] * b[1];
      assertClose(g, new double[] {2 * a[0] * bb, 2 * a[1] * bb, 2 * a[2] * bb, 2 * b[0] * aa,
          2 * b[1] * aa});
    }
  }

  @Test
  void aBufferReadByAnotherHelpersPullbackAfterLaterTrips() {
    SplittableRandom rnd = new SplittableRandom(16);
    for (int trial = 0; trial < 5; trial++) {
      double[][] w = random(rnd, 3, 2);
      double[] v = random(rnd, 3);
      double[][] xs = random(rnd, 4, 2);
      double[] g = check(new Forms(
          OutParamsAdjoint.bufferReadByACalleeFlatten(w, v),
          OutParamsAdjoint.bufferReadByACalleeFunction(w, v, xs),
          () -> OutParams.bufferReadByACallee(w, v, xs),
          () -> {
            var r = OutParamsAdjoint.bufferReadByACalleeGrad(w, v, xs);
            return concat(flat(r.w()), r.v());
          },
          () -> {
            var r = OutParamsAdjoint.bufferReadByACalleeValueAndGrad(w, v, xs).grad();
            return concat(flat(r.w()), r.v());
          },
          () -> OutParamsAdjoint.bufferReadByACalleeValueAndGrad(w, v, xs).value(),
          () -> {
            var vjp = OutParamsAdjoint.bufferReadByACalleeVjp(w, v, xs);
            var p = vjp.pullback(1.0);
            var q = vjp.pullback(1.0);
            return new double[][] {concat(flat(p.w()), p.v()), concat(flat(q.w()), q.v())};
          },
          () -> {
            var ws = OutParamsAdjoint.bufferReadByACalleeWorkspace();
            ws.valueAndGrad(w, v, xs);
            double[] first = concat(flat(ws.w()), ws.v());
            ws.valueAndGrad(w, v, xs);
            return new double[][] {first, concat(flat(ws.w()), ws.v())};
          },
          dir -> {
            var d = OutParamsAdjoint.bufferReadByACalleeUnflatten(dir, w, v);
            return OutParamsAdjoint.bufferReadByACalleeJvp(w, v, xs, d.w(), d.v()).tangent();
          },
          () -> OutParamsAdjoint.bufferReadByACalleeJvp(w, v, xs, null, null).value()));
      double[][] gw = new double[3][2];
      double[] gv = new double[3];
      for (double[] x : xs) {
        double[] h = new double[3];
        double d = 0;
        for (int i = 0; i < 3; i++) {
          h[i] = Math.tanh(w[i][0] * x[0] + w[i][1] * x[1]);
          d += v[i] * h[i];
        }
        for (int i = 0; i < 3; i++) {
          gv[i] += 2 * d * h[i];
          for (int j = 0; j < 2; j++) {
            gw[i][j] += 2 * d * v[i] * (1 - h[i] * h[i]) * x[j];
          }
        }
      }
      assertClose(g, concat(flat(gw), gv));
    }
  }

  @Test
  void secondOrderThroughAHelper() {
    SplittableRandom rnd = new SplittableRandom(13);
    for (int trial = 0; trial < 5; trial++) {
      double[][] w = random(rnd, 3, 2);
      double[] x = random(rnd, 2);
      double[] v = random(rnd, 2);
      var hvp = OutParamsAdjoint.secondOrderHvp(w, x, v);
      assertThat(hvp.value()).isEqualTo(OutParams.secondOrder(w, x));
      // Hessian of sum_i tanh(a_i)^2, a_i = w_i . x: sum_i f''(a_i) w_i w_i^T with
      // f(a) = tanh(a)^2, f'' = 2 (1 - t^2)(1 - 3 t^2).
      double[] expected = new double[2];
      for (int i = 0; i < 3; i++) {
        double t = Math.tanh(w[i][0] * x[0] + w[i][1] * x[1]);
        double f2 = 2 * (1 - t * t) * (1 - 3 * t * t);
        double wv = w[i][0] * v[0] + w[i][1] * v[1];
        expected[0] += f2 * w[i][0] * wv;
        expected[1] += f2 * w[i][1] * wv;
      }
      assertClose(hvp.hvp().x(), expected);
    }
  }

  @Test
  void aRulesBodyThatCallsAHelper() {
    double[] x = {0.5, -1.25, 2.0};
    double[] fromBody = OutParamsAdjoint.FromBody.ruledGrad(x).x();
    assertClose(fromBody, new double[] {-1.25, 2.5, -1.25});
    assertThat(OutParamsAdjoint.ruledGrad(x).x()).usingExactEquality()
        .containsExactly(fromBody).inOrder();
  }

  @Test
  void aHelperOfAnotherClass() {
    SplittableRandom rnd = new SplittableRandom(12);
    for (int trial = 0; trial < 5; trial++) {
      double[] x = random(rnd, 2);
      double[] g = check(oneArray(x, OutParams::otherClass,
          OutParamsAdjoint::otherClassFunction,
          p -> OutParamsAdjoint.otherClassGrad(p).x(),
          p -> OutParamsAdjoint.otherClassValueAndGrad(p).grad().x(),
          p -> OutParamsAdjoint.otherClassValueAndGrad(p).value(),
          p -> {
            var vjp = OutParamsAdjoint.otherClassVjp(p);
            return new double[][] {vjp.pullback(1.0).x(), vjp.pullback(1.0).x()};
          },
          p -> {
            var ws = OutParamsAdjoint.otherClassWorkspace();
            ws.valueAndGrad(p);
            double[] a = ws.x().clone();
            ws.valueAndGrad(p);
            return new double[][] {a, ws.x()};
          },
          (p, d) -> OutParamsAdjoint.otherClassJvp(p, d).tangent(),
          p -> OutParamsAdjoint.otherClassJvp(p, null).value()));
      // m1 = 2x, m0 = x0 m1 = 2 x0 x; L = m0[0] m1[1] + m0[1] = 4 x0^2 x1 + 2 x0 x1.
      assertClose(g, new double[] {8 * x[0] * x[1] + 2 * x[1], 4 * x[0] * x[0] + 2 * x[0]});
    }
  }
}
