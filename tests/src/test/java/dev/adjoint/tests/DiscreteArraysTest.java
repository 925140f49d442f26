package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Discrete arrays against closed forms, GradCheck, the Vjp, the workspace and forward mode: index
 * arrays, labels, masks, a local permutation overwritten after it was read, long[] and int[][].
 */
final class DiscreteArraysTest {

  static double[] random(Random r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble() * 2 - 1;
    }
    return x;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /**
   * The generated gradient is the closed form; GradCheck passes on the generated function; and
   * forward mode along random directions is the gradient's dot product.
   */
  static void check(String name, double[] x, double[] grad, double[] expected,
      DifferentiableFunction f, ToDoubleFunction<double[]> jvp, Random r) {
    assertWithMessage("%s: gradient length", name).that(grad).hasLength(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertWithMessage("%s: d/dx[%s]", name, i).that(grad[i])
          .isWithin(1e-12 * (1 + Math.abs(expected[i]))).of(expected[i]);
    }
    GradCheck.defaults().assertGradient(f, x.clone());
    for (int k = 0; k < 3; k++) {
      double[] v = random(r, x.length);
      assertWithMessage("%s: jvp along %s", name, java.util.Arrays.toString(v))
          .that(jvp.applyAsDouble(v)).isWithin(1e-10 * (1 + Math.abs(dot(grad, v))))
          .of(dot(grad, v));
    }
  }

  @Test
  void gatherThroughAnIndexArray() {
    Random r = new Random(1);
    int[] idx = {2, 0, 2, 4, 1};
    double[] x = random(r, 5);
    double[] expected = new double[5];
    for (int i = 0; i < idx.length; i++) {
      expected[idx[i]] += 2 * (i + 1) * x[idx[i]];
    }
    var vg = DiscreteArraysAdjoint.gatherValueAndGrad(x, idx);
    assertThat(vg.value()).isEqualTo(DiscreteArrays.gather(x, idx));
    check("gather", x, vg.grad().x(), expected, DiscreteArraysAdjoint.gatherFunction(5, idx),
        v -> DiscreteArraysAdjoint.gatherJvp(x, idx, v).tangent(), r);
    assertThat(DiscreteArraysAdjoint.gatherVjp(x, idx).pullback(2).x()[2])
        .isWithin(1e-12).of(2 * expected[2]);
    var ws = DiscreteArraysAdjoint.gatherWorkspace();
    for (int call = 0; call < 2; call++) {
      assertThat(ws.valueAndGrad(x, idx)).isEqualTo(vg.value());
      assertThat(ws.x()).usingTolerance(1e-12).containsExactly(expected).inOrder();
    }
    assertThat(idx).asList().containsExactly(2, 0, 2, 4, 1).inOrder();
  }

  @Test
  void aBooleanMaskPicksTheBranch() {
    Random r = new Random(2);
    boolean[] mask = {true, false, false, true};
    double[] x = random(r, 4);
    double[] expected = new double[4];
    for (int i = 0; i < 4; i++) {
      expected[i] = mask[i] ? Math.cos(x[i]) : 2 * x[i];
    }
    check("masked", x, DiscreteArraysAdjoint.maskedGrad(x, mask).x(), expected,
        DiscreteArraysAdjoint.maskedFunction(4, mask),
        v -> DiscreteArraysAdjoint.maskedJvp(x, mask, v).tangent(), r);
  }

  @Test
  void classWeightsByLabel() {
    Random r = new Random(3);
    int[] labels = {0, 2, 2, 1, 0, 2};
    double[] f = random(r, 6);
    double[] w = random(r, 3);
    double[] expected = new double[3];
    for (int i = 0; i < labels.length; i++) {
      expected[labels[i]] += Math.exp(w[labels[i]]) * f[i];
    }
    check("classWeights", w, DiscreteArraysAdjoint.classWeightsGrad(w, labels, f).w(), expected,
        DiscreteArraysAdjoint.classWeightsFunction(3, labels, f),
        v -> DiscreteArraysAdjoint.classWeightsJvp(w, labels, f, v).tangent(), r);
  }

  @Test
  void aLocalPermutationOverwrittenAfterItWasRead() {
    Random r = new Random(4);
    for (int n : new int[] {0, 1, 2, 5}) {
      double[] x = random(r, n);
      double[] expected = new double[n];
      for (int j = 0; j < n; j++) {
        expected[j] = 2 * x[n - 1 - j] + Math.cos(x[j]);
      }
      check("permutedOverwritten" + n, x, DiscreteArraysAdjoint.permutedOverwrittenGrad(x).x(),
          expected, DiscreteArraysAdjoint.permutedOverwrittenFunction(n),
          v -> DiscreteArraysAdjoint.permutedOverwrittenJvp(x, v).tangent(), r);
      var vjp = DiscreteArraysAdjoint.permutedOverwrittenVjp(x);
      double[] first = vjp.pullback(1).x();
      assertThat(vjp.pullback(1).x()).usingExactEquality().containsExactly(first).inOrder();
      var ws = DiscreteArraysAdjoint.permutedOverwrittenWorkspace();
      ws.valueAndGrad(x);
      assertThat(ws.x()).usingTolerance(1e-12).containsExactly(expected).inOrder();
    }
    double[] x = {0.3, -0.7};
    check("overwrittenOnce", x, DiscreteArraysAdjoint.overwrittenOnceGrad(x).x(),
        new double[] {x[1] + 3 * x[0] * x[0], x[0]},
        DiscreteArraysAdjoint.overwrittenOnceFunction(2),
        v -> DiscreteArraysAdjoint.overwrittenOnceJvp(x, v).tangent(), r);
  }

  @Test
  void countsInALocalIntArray() {
    Random r = new Random(5);
    int[] labels = {1, 0, 1, 1, 2};
    int[] counts = {1, 3, 1};
    double[] x = random(r, 5);
    double[] expected = new double[5];
    for (int i = 0; i < 5; i++) {
      expected[i] = 2 * x[i] / counts[labels[i]];
    }
    check("perClassMean", x, DiscreteArraysAdjoint.perClassMeanGrad(x, labels, 3).x(), expected,
        DiscreteArraysAdjoint.perClassMeanFunction(5, labels, 3),
        v -> DiscreteArraysAdjoint.perClassMeanJvp(x, labels, 3, v).tangent(), r);
  }

  @Test
  void longStepsAndIntPairs() {
    Random r = new Random(6);
    long[] steps = {3, 0, 3, 1};
    double[] x = random(r, 4);
    double[] expected = {0, 1, 0, 6};
    check("strided", x, DiscreteArraysAdjoint.stridedGrad(x, steps).x(), expected,
        DiscreteArraysAdjoint.stridedFunction(4, steps),
        v -> DiscreteArraysAdjoint.stridedJvp(x, steps, v).tangent(), r);
    int[][] pairs = {{0, 1}, {1, 2}, {2, 0}, {3, 1}};
    double[] y = random(r, 4);
    double[] edges = new double[4];
    for (int[] e : pairs) {
      double d = y[e[0]] - y[e[1]];
      edges[e[0]] += 2 * d;
      edges[e[1]] -= 2 * d;
    }
    check("edges", y, DiscreteArraysAdjoint.edgesGrad(y, pairs).x(), edges,
        DiscreteArraysAdjoint.edgesFunction(4, pairs),
        v -> DiscreteArraysAdjoint.edgesJvp(y, pairs, v).tangent(), r);
  }

  @Test
  void intArraysPassedToAnotherDifferentiableMethod() {
    Random r = new Random(7);
    int[] idx = {1, 3, 1};
    double[] x = random(r, 5);
    double[] expected = {1, 0, 1, 0, 1};
    for (int i = 0; i < 3; i++) {
      expected[idx[i]] += 2 * (i + 1) * x[idx[i]] + 2 * (3 - i) * x[idx[i]];
    }
    check("gatherTwice", x, DiscreteArraysAdjoint.gatherTwiceGrad(x, idx).x(), expected,
        DiscreteArraysAdjoint.gatherTwiceFunction(5, idx),
        v -> DiscreteArraysAdjoint.gatherTwiceJvp(x, idx, v).tangent(), r);
  }

  @Test
  void aPermutationOfSquaresHasTheDiagonalJacobian() {
    Random r = new Random(8);
    int[] perm = {2, 0, 3, 1};
    double[] x = random(r, 4);
    double[][] expected = new double[4][4];
    for (int i = 0; i < 4; i++) {
      expected[i][perm[i]] = 2 * x[perm[i]];
    }
    double[][] jacobian = DiscreteArraysAdjoint.permuteSquaresJacobian(x, perm);
    var vjp = DiscreteArraysAdjoint.permuteSquaresVjp(x, perm);
    for (int i = 0; i < 4; i++) {
      assertThat(jacobian[i]).usingTolerance(1e-12).containsExactly(expected[i]).inOrder();
      double[] seed = new double[4];
      seed[i] = 1;
      assertThat(vjp.pullback(seed).x()).usingTolerance(1e-12).containsExactly(expected[i])
          .inOrder();
    }
    assertThat(DiscreteArraysAdjoint.permuteSquaresJvp(x, perm, new double[] {1, 1, 1, 1})
        .tangent()).usingTolerance(1e-12)
        .containsExactly(2 * x[2], 2 * x[0], 2 * x[3], 2 * x[1]).inOrder();
  }

  @Test
  void anUnannotatedCallThatWritesAnIntParameterBetweenReads() {
    double[] x = {0.4, -0.3, 0.7};
    double[] expected = {3 * x[0] * x[0], 0, 2 * x[2]};
    int[] idx = {2, 0, 1};
    var vg = DiscreteArraysAdjoint.sortedBetweenReadsValueAndGrad(x, idx);
    assertThat(idx).asList().containsExactly(0, 1, 2).inOrder(); // sorted, as by the primal
    assertThat(vg.value()).isEqualTo(DiscreteArrays.sortedBetweenReads(x, new int[] {2, 0, 1}));
    assertThat(vg.grad().x()).usingTolerance(1e-12).containsExactly(expected).inOrder();
    var vjp = DiscreteArraysAdjoint.sortedBetweenReadsVjp(x, new int[] {2, 0, 1});
    for (int i = 0; i < 2; i++) {
      assertThat(vjp.pullback(1).x()).usingTolerance(1e-12).containsExactly(expected).inOrder();
    }
    double[] v = {0.5, -1, 2};
    assertThat(DiscreteArraysAdjoint.sortedBetweenReadsJvp(x, new int[] {2, 0, 1}, v).tangent())
        .isWithin(1e-12).of(dot(expected, v));

    // s = x0 x1 + x1 x2 + x2 x0 over three trips from {0, 1, 2}
    double[] rotated = {x[1] + x[2], x[0] + x[2], x[1] + x[0]};
    var g = DiscreteArraysAdjoint.rotatedInLoopGrad(x, new int[] {0, 1, 2}, 3).x();
    assertThat(g).usingTolerance(1e-12).containsExactly(rotated).inOrder();
    var rv = DiscreteArraysAdjoint.rotatedInLoopVjp(x, new int[] {0, 1, 2}, 3);
    assertThat(rv.pullback(1).x()).usingTolerance(1e-12).containsExactly(rotated).inOrder();
    assertThat(DiscreteArraysAdjoint.rotatedInLoopJvp(x, new int[] {0, 1, 2}, 3, v).tangent())
        .isWithin(1e-12).of(dot(rotated, v));
  }
}
