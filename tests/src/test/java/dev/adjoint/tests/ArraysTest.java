package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Arrays against hand-derived gradients and GradCheck: gradients of an array parameter's length,
 * no cotangent for @NoDiff data, scratch arrays written and read back, zero-length inputs.
 */
final class ArraysTest {

  private static double[] random(Random r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble() * 4 - 2;
    }
    return x;
  }

  /** d/dx_i of sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2. */
  private static double[] rosenbrockGradient(double[] x) {
    double[] g = new double[x.length];
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      g[i] += -400 * x[i] * a - 2 * (1 - x[i]);
      g[i + 1] += 200 * a;
    }
    return g;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 10, 100})
  void rosenbrockMatchesItsClosedFormAtEveryLength(int n) {
    Random r = new Random(n);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, n);
      double[] expected = rosenbrockGradient(x);
      var vg = ArraysAdjoint.rosenbrockValueAndGrad(x);
      assertThat(vg.value()).isEqualTo(Arrays.rosenbrock(x));
      assertThat(vg.grad().x()).hasLength(n);
      for (int i = 0; i < n; i++) {
        assertThat(vg.grad().x()[i]).isWithin(1e-10 * (1 + Math.abs(expected[i])))
            .of(expected[i]);
      }
      double[] pulled = ArraysAdjoint.rosenbrockVjp(x).pullback(-0.5).x();
      for (int i = 0; i < n; i++) {
        assertThat(pulled[i]).isWithin(0.0).of(-0.5 * vg.grad().x()[i]);
      }
    }
  }

  @Test
  void rosenbrockFunctionPassesGradCheckAndChecksItsLength() {
    DifferentiableFunction f = ArraysAdjoint.rosenbrockFunction(12);
    assertThat(f.dimension()).isEqualTo(12);
    Random r = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      GradCheck.defaults().assertGradient(f, random(r, 12));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.value(new double[3]));
    assertThat(e).hasMessageThat().contains("expected a point of length 12");
  }

  @Test
  void aNoDiffArrayIsDataWithoutACotangent() {
    double[] w = {0.5, -1, 2};
    double[] v = {3, 4, -5};
    var grad = ArraysAdjoint.dotGrad(w, v);
    assertThat(grad.getClass().getRecordComponents()).hasLength(1);
    assertThat(grad.w()).usingExactEquality().containsExactly(3.0, 4.0, -5.0).inOrder();
    assertThat(v).usingExactEquality().containsExactly(3.0, 4.0, -5.0).inOrder();
  }

  @Test
  void scratchArraysWrittenAndReadBack() {
    Random r = new Random(3);
    for (int n : new int[] {0, 1, 2, 7}) {
      for (int trial = 0; trial < 20; trial++) {
        double[] x = random(r, n);
        double scale = r.nextDouble() * 2 - 1;
        // p_i = scale (x_0 + ... + x_i); f = sum p_i^2.
        double[] p = new double[n];
        double[] dx = new double[n];
        double dScale = 0;
        for (int i = 0; i < n; i++) {
          p[i] = scale * x[i] + (i > 0 ? p[i - 1] : 0);
        }
        for (int i = 0; i < n; i++) {
          for (int k = 0; k <= i; k++) {
            dx[k] += 2 * p[i] * scale;
          }
          dScale += 2 * p[i] * (scale == 0 ? 0 : p[i] / scale);
        }
        var g = ArraysAdjoint.prefixSquaresGrad(x, scale);
        for (int i = 0; i < n; i++) {
          assertThat(g.x()[i]).isWithin(1e-10 * (1 + Math.abs(dx[i]))).of(dx[i]);
        }
        assertThat(g.scale()).isWithin(1e-9 * (1 + Math.abs(dScale))).of(dScale);
        assertThat(x).hasLength(n);
      }
    }
  }

  @Test
  void anElementOverwrittenAndIncremented() {
    double[] x = {1.5, -2.0};
    // f = (x0^2 + 1) x1: df/dx0 = 2 x0 x1, df/dx1 = x0^2 + 1.
    var g = ArraysAdjoint.overwriteGrad(x);
    assertThat(g.x()).usingExactEquality().containsExactly(2 * 1.5 * -2.0, 1.5 * 1.5 + 1).inOrder();
    assertThat(x).usingExactEquality().containsExactly(1.5, -2.0).inOrder();
  }

  @Test
  void eachCallReturnsItsOwnGradientArray() {
    double[] x = {0.1, 0.2, 0.3};
    var vjp = ArraysAdjoint.rosenbrockVjp(x);
    double[] first = vjp.pullback(1.0).x();
    double[] second = vjp.pullback(1.0).x();
    assertThat(second).isNotSameInstanceAs(first);
    assertThat(second).usingExactEquality().containsExactly(first).inOrder();
  }

  @Test
  void arraysPassedToCalleesFilledAndCopied() {
    Random r = new Random(21);
    for (int n : new int[] {1, 2, 5}) {
      for (int trial = 0; trial < 20; trial++) {
        double[] x = random(r, n);
        double[] v = random(r, n);
        // y = x with y0 = 3 x0; f = rosenbrock(y) + x . v + sum(y).
        double[] y = x.clone();
        y[0] *= 3;
        double[] gy = rosenbrockGradient(y);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
          expected[i] = (gy[i] + 1) * (i == 0 ? 3 : 1) + v[i];
        }
        double[] actual = ArraysAdjoint.composedGrad(x, v).x();
        for (int i = 0; i < n; i++) {
          assertThat(actual[i]).isWithin(1e-9 * (1 + Math.abs(expected[i]))).of(expected[i]);
        }
        assertThat(ArraysAdjoint.composedValueAndGrad(x, v).value())
            .isEqualTo(Arrays.composed(x, v));
      }
    }
  }

  @Test
  void aCalleeSeesTheArrayAsItWasAtItsCall() {
    Random r = new Random(22);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 4);
      double[] expected = new double[4];
      for (int i = 0; i < 4; i++) {
        double[] g = rosenbrockGradient(new double[] {x[i], x[0]});
        expected[i] += g[0];
        expected[0] += g[1];
      }
      double[] actual = ArraysAdjoint.callThenOverwriteGrad(x).x();
      for (int i = 0; i < 4; i++) {
        assertThat(actual[i]).isWithin(1e-9 * (1 + Math.abs(expected[i]))).of(expected[i]);
      }
    }
  }

  @Test
  void aRefilledScratchArrayMatchesItsClosedFormAndGradCheck() {
    Random r = new Random(71);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, trial % 6);
      double[] w = random(r, 1 + trial % 4);
      double[] expected = new double[x.length];
      for (double wk : w) {
        for (int j = 0; j < x.length; j++) {
          expected[j] += 2 * (j + 1) * (x[j] - wk);
        }
      }
      if (x.length > 0) {
        expected[0] += 1; // c_0 after the loop: the last fill's x_0 - w_last
      }
      var vjp = ArraysAdjoint.refillVjp(x, w);
      double[] g = vjp.pullback(1.0).x();
      for (int j = 0; j < x.length; j++) {
        assertThat(g[j]).isWithin(1e-12).of(expected[j]);
      }
      assertThat(vjp.pullback(1.0).x()).usingExactEquality().containsExactly(g).inOrder();
      if (x.length > 0) {
        GradCheck.defaults().assertGradient(ArraysAdjoint.refillFunction(x.length, w), x);
        GradCheck.defaults().assertGradient(ArraysAdjoint.refillGrowingFunction(x.length, w), x);
      }
    }
  }

  @Test
  void aGrowingRefillMatchesItsClosedForm() {
    Random r = new Random(72);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 1 + trial % 5);
      double[] w = random(r, 1 + trial % 4);
      // On each trip, c_j holds x_j - w_k' of the last trip k' that filled it (k' >= j), else 0.
      double[] expected = new double[x.length];
      double[] filledBy = new double[x.length];
      boolean[] filled = new boolean[x.length];
      for (int k = 0; k < w.length && k < x.length; k++) {
        for (int j = 0; j <= k; j++) {
          filledBy[j] = w[k];
          filled[j] = true;
        }
        for (int j = 0; j < x.length; j++) {
          if (filled[j]) {
            expected[j] += 2 * (j + 1) * (x[j] - filledBy[j]);
          }
        }
      }
      double[] g = ArraysAdjoint.refillGrowingGrad(x, w).x();
      for (int j = 0; j < x.length; j++) {
        assertThat(g[j]).isWithin(1e-12).of(expected[j]);
      }
    }
  }

  @Test
  void anArrayReadBeforeItsRefillPassesGradCheck() {
    Random r = new Random(73);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = random(r, 2 + trial % 4);
      double[] w = random(r, 1 + trial % 4);
      GradCheck.defaults().assertGradient(ArraysAdjoint.readThenRefillFunction(x.length, w), x);
      // Closed form: trip k reads c = x - w_{k-1}; d/dx of rosenbrock(x - w_{k-1}) is its
      // gradient at that point.
      double[] expected = new double[x.length];
      for (int k = 1; k < w.length; k++) {
        double[] c = new double[x.length];
        for (int j = 0; j < x.length; j++) {
          c[j] = x[j] - w[k - 1];
        }
        double[] g = rosenbrockGradient(c);
        for (int j = 0; j < x.length; j++) {
          expected[j] += g[j];
        }
      }
      double[] actual = ArraysAdjoint.readThenRefillGrad(x, w).x();
      for (int j = 0; j < x.length; j++) {
        assertThat(actual[j]).isWithin(1e-9 * (1 + Math.abs(expected[j]))).of(expected[j]);
      }
    }
  }
}
