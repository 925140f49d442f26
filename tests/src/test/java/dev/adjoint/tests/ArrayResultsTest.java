package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.tests.RandomArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Methods that return {@code double[]}: {@code mVjp} takes a cotangent array of the value's
 * length, the value is the caller's own copy, and callers differentiate through such methods and
 * through a rule whose output is an array.
 */
final class ArrayResultsTest {

  @Test
  void layerPullbackIsTheClosedFormJacobianTransposeProduct() {
    Random r = new Random(41);
    for (int trial = 0; trial < 30; trial++) {
      int n = trial % 7; // includes the empty array
      double[] x = gaussian(r, n);
      double s = r.nextGaussian();
      double[] c = gaussian(r, n);
      var vjp = ArrayResultsAdjoint.layerVjp(x, s);
      double expectedS = 0;
      for (int i = 0; i < n; i++) {
        assertThat(vjp.value()[i]).isEqualTo(s * Math.tanh(x[i]));
        expectedS += c[i] * Math.tanh(x[i]);
      }
      var g = vjp.pullback(c);
      for (int i = 0; i < n; i++) {
        double t = Math.tanh(x[i]);
        assertThat(g.x()[i]).isWithin(1e-14 * (1 + Math.abs(s * c[i]))).of(c[i] * s * (1 - t * t));
      }
      assertThat(g.s()).isWithin(1e-13).of(expectedS);
    }
  }

  @Test
  void theValueIsACopyThatThePullbackLeavesAlone() {
    double[] x = {0.5, -1, 2};
    var vjp = ArrayResultsAdjoint.identityVjp(x);
    double[] value = vjp.value();
    assertThat(value).isNotSameInstanceAs(x);
    assertThat(value).usingExactEquality().containsExactly(0.5, -1.0, 2.0).inOrder();
    value[0] = 99; // the caller's own array
    assertThat(x[0]).isEqualTo(0.5);
    double[] c = {1, 2, 3};
    assertThat(vjp.pullback(c).x()).usingExactEquality().containsExactly(1.0, 2.0, 3.0).inOrder();
    assertThat(vjp.pullback(c).x()).usingExactEquality().containsExactly(1.0, 2.0, 3.0).inOrder();
    assertThat(c).usingExactEquality().containsExactly(1.0, 2.0, 3.0).inOrder();

    // The reverse sweep of cumulative restores its local array; the value it returned stays.
    var cum = ArrayResultsAdjoint.cumulativeVjp(new double[] {1, 2, 3});
    double[] before = cum.value().clone();
    cum.pullback(new double[] {1, 1, 1});
    assertThat(cum.value()).usingExactEquality().containsExactly(before).inOrder();
  }

  @Test
  void pullbackChecksTheCotangentsLength() {
    var vjp = ArrayResultsAdjoint.layerVjp(new double[] {1, 2, 3}, 2);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> vjp.pullback(new double[2]));
    assertThat(e).hasMessageThat().isEqualTo("the cotangent given to the pullback of"
        + " ArrayResults.layer has length 2, but the value of ArrayResults.layer has length 3");
    IllegalArgumentException nullCotangent =
        assertThrows(IllegalArgumentException.class, () -> vjp.pullback(null));
    assertThat(nullCotangent).hasMessageThat().contains("is null");
    var rule = ArrayResultsAdjoint.softmaxVjp(new double[] {1, 2});
    IllegalArgumentException ruleError =
        assertThrows(IllegalArgumentException.class, () -> rule.pullback(new double[3]));
    assertThat(ruleError).hasMessageThat().isEqualTo("the cotangent given to the pullback of"
        + " ArrayResults.softmax has length 3, but the value of ArrayResults.softmax has length 2");
  }

  @Test
  void onlyTheReturnedBranchGetsTheCotangent() {
    double[] a = {1, 2};
    double[] b = {3, 4};
    var first = ArrayResultsAdjoint.pickVjp(a, b, true).pullback(new double[] {5, 6});
    assertThat(first.a()).usingExactEquality().containsExactly(10.0, 12.0).inOrder();
    assertThat(first.b()).usingExactEquality().containsExactly(0.0, 0.0).inOrder();
    var second = ArrayResultsAdjoint.pickVjp(a, b, false).pullback(new double[] {5, 6});
    assertThat(second.a()).usingExactEquality().containsExactly(0.0, 0.0).inOrder();
    assertThat(second.b()).usingExactEquality().containsExactly(10.0, 12.0).inOrder();
  }

  @Test
  void anArrayCreatedAfterAnEarlyReturnThatIsTaken() {
    double[] x = {0.3, -0.7};
    // s > 1: returns s * s before the array exists
    var early = ArrayResultsAdjoint.createdAfterReturnValueAndGrad(x, 1.5);
    assertThat(early.value()).isEqualTo(2.25);
    assertThat(early.grad().s()).isEqualTo(3.0);
    assertThat(early.grad().x()).usingExactEquality().containsExactly(0.0, 0.0).inOrder();
    assertThat(ArrayResultsAdjoint.createdAfterReturnVjp(x, 1.5).pullback(1.0).s()).isEqualTo(3.0);
    assertThat(ArrayResultsAdjoint.createdAfterReturnWorkspace().valueAndGrad(x, 1.5))
        .isEqualTo(2.25);
    // s <= 1: y = s tanh(x), value s tanh(x0) + s
    var late = ArrayResultsAdjoint.createdAfterReturnValueAndGrad(x, 0.5);
    double t = Math.tanh(0.3);
    assertThat(late.grad().x()[0]).isWithin(1e-15).of(0.5 * (1 - t * t));
    assertThat(late.grad().x()[1]).isEqualTo(0.0);
    assertThat(late.grad().s()).isWithin(1e-15).of(t + 1);
  }

  @Test
  void writesIntoARulesValueAreUndoneBeforeItsPullback() {
    Random r = new Random(46);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = gaussian(r, 2 + trial % 4);
      double s = r.nextGaussian();
      // f = (p0 + s)(p1 + s), p = softmax(x): df/dx_i = sum_k c_k p_k (delta_ik - p_i) with
      // c_0 = p1 + s, c_1 = p0 + s; df/ds = p0 + p1 + 2s
      double[] p = ArrayResults.softmax(x);
      double[] c = new double[x.length];
      c[0] = p[1] + s;
      c[1] = p[0] + s;
      var g = ArrayResultsAdjoint.writeIntoRuleValueGrad(x, s);
      for (int i = 0; i < x.length; i++) {
        double expected = 0;
        for (int k = 0; k < x.length; k++) {
          expected += c[k] * p[k] * ((i == k ? 1 : 0) - p[i]);
        }
        assertThat(g.x()[i]).isWithin(1e-14).of(expected);
      }
      assertThat(g.s()).isWithin(1e-14).of(p[0] + p[1] + 2 * s);
    }
  }

  @Test
  void cumulativePullbackIsTheClosedForm() {
    Random r = new Random(42);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = gaussian(r, 1 + trial % 6);
      double[] c = gaussian(r, x.length);
      double[] g = ArrayResultsAdjoint.cumulativeVjp(x).pullback(c).x();
      // y_k = sum_{i <= k} x_i^2, so dL/dx_i = 2 x_i sum_{k >= i} c_k
      double tail = 0;
      for (int i = x.length - 1; i >= 0; i--) {
        tail += c[i];
        assertThat(g[i]).isWithin(1e-13).of(2 * x[i] * tail);
      }
    }
  }

  @Test
  void softmaxRulePullbackIsTheSoftmaxJacobianProduct() {
    Random r = new Random(43);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = gaussian(r, 1 + trial % 5);
      double[] c = gaussian(r, x.length);
      var vjp = ArrayResultsAdjoint.softmaxVjp(x);
      double[] p = vjp.value();
      double[] g = vjp.pullback(c).x();
      for (int i = 0; i < x.length; i++) {
        double expected = 0;
        for (int k = 0; k < x.length; k++) {
          expected += c[k] * p[k] * ((i == k ? 1 : 0) - p[i]);
        }
        assertThat(g[i]).isWithin(1e-14).of(expected);
      }
    }
  }

  @Test
  void aLossThroughALayerARuleAndWritesIntoTheirArraysPassesGradCheck() {
    Random r = new Random(44);
    for (int trial = 0; trial < 10; trial++) {
      int n = 2 + trial % 5;
      double[] w = gaussian(r, n);
      // x and s flattened into one point: the loss as a DifferentiableFunction.
      DifferentiableFunction f = new DifferentiableFunction() {
        @Override
        public int dimension() {
          return n + 1;
        }

        @Override
        public double value(double[] point) {
          return ArrayResults.loss(java.util.Arrays.copyOf(point, n), point[n], w);
        }

        @Override
        public double valueAndGradient(double[] point, double[] gradientOut) {
          var vg = ArrayResultsAdjoint.lossValueAndGrad(
              java.util.Arrays.copyOf(point, n), point[n], w);
          System.arraycopy(vg.grad().x(), 0, gradientOut, 0, n);
          gradientOut[n] = vg.grad().s();
          return vg.value();
        }
      };
      double[] point = gaussian(r, n + 1);
      GradCheck.defaults().assertGradient(f, point);
      assertThat(f.valueAndGradient(point, new double[n + 1])).isEqualTo(f.value(point));
    }
  }

  @Test
  void chainedArrayMethodsPassGradCheckInEveryForm() {
    Random r = new Random(45);
    var workspace = ArrayResultsAdjoint.chainedWorkspace();
    for (int trial = 0; trial < 10; trial++) {
      double[] x = gaussian(r, 1 + trial);
      GradCheck.defaults().assertGradient(ArrayResultsAdjoint.chainedFunction(x.length), x);
      var vg = ArrayResultsAdjoint.chainedValueAndGrad(x);
      assertThat(vg.value()).isEqualTo(ArrayResults.chained(x));
      assertThat(workspace.valueAndGrad(x)).isEqualTo(vg.value());
      assertThat(workspace.x()).usingExactEquality().containsExactly(vg.grad().x()).inOrder();
      assertThat(ArrayResultsAdjoint.chainedVjp(x).pullback(2.0).x()[0])
          .isEqualTo(2 * vg.grad().x()[0]);
    }
  }

  @Test
  void arraysCreatedInsideBranchesOfAnIf() {
    Random r = new Random(47);
    var workspace = ArrayResultsAdjoint.branchArraysWorkspace();
    for (int trial = 0; trial < 20; trial++) {
      double[] x = gaussian(r, 1 + trial % 4);
      double s = trial % 2 == 0 ? 0.5 + r.nextDouble() : -0.5 - r.nextDouble();
      double[] gx = new double[x.length];
      double gs;
      if (s > 0) { // s * sum x_i^2
        gs = 0;
        for (int i = 0; i < x.length; i++) {
          gx[i] = 2 * s * x[i];
          gs += x[i] * x[i];
        }
      } else { // s * tanh(x_0)
        double t = Math.tanh(x[0]);
        gx[0] = s * (1 - t * t);
        gs = t;
      }
      var vjp = ArrayResultsAdjoint.branchArraysVjp(x, s);
      var g = vjp.pullback(1.0);
      for (int i = 0; i < x.length; i++) {
        assertThat(g.x()[i]).isWithin(1e-13).of(gx[i]);
      }
      assertThat(g.s()).isWithin(1e-13).of(gs);
      assertThat(vjp.pullback(1.0).x()).usingExactEquality().containsExactly(g.x()).inOrder();
      assertThat(workspace.valueAndGrad(x, s)).isEqualTo(ArrayResults.branchArrays(x, s));
      assertThat(workspace.x()).usingExactEquality().containsExactly(g.x()).inOrder();
    }
  }
}
