package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.tests.DiscreteArraysTest.check;
import static dev.adjoint.tests.DiscreteArraysTest.random;

import dev.adjoint.runtime.DifferentiableFunction;
import java.util.Random;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Enhanced for loops against closed forms, GradCheck and forward mode. */
final class EnhancedForTest {

  /** A matrix method as a function of its elements, row-major (rectangular m). */
  private static DifferentiableFunction flat(int rows, int columns,
      ToDoubleFunction<double[][]> value, Function<double[][], double[][]> grad) {
    return new DifferentiableFunction() {
      public int dimension() {
        return rows * columns;
      }

      public double value(double[] p) {
        return value.applyAsDouble(unflat(p, rows, columns));
      }

      public double valueAndGradient(double[] p, double[] out) {
        double[][] g = grad.apply(unflat(p, rows, columns));
        System.arraycopy(flatten(g), 0, out, 0, rows * columns);
        return value(p);
      }
    };
  }

  private static double[][] unflat(double[] p, int rows, int columns) {
    double[][] m = new double[rows][columns];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(p, i * columns, m[i], 0, columns);
    }
    return m;
  }

  private static double[] flatten(double[][] m) {
    double[] p = new double[m.length * (m.length == 0 ? 0 : m[0].length)];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, p, i * m[i].length, m[i].length);
    }
    return p;
  }

  @Test
  void overADoubleArrayWithBreakAndContinue() {
    Random r = new Random(11);
    double[] x = {0.5, -1.5, 2, 11, 3};
    double[] expected = {1, 0, 4, 0, 0};
    check("positiveSquares", x, EnhancedForAdjoint.positiveSquaresGrad(x).x(), expected,
        EnhancedForAdjoint.positiveSquaresFunction(5),
        v -> EnhancedForAdjoint.positiveSquaresJvp(x, v).tangent(), r);
    var ws = EnhancedForAdjoint.positiveSquaresWorkspace();
    assertThat(ws.valueAndGrad(x)).isEqualTo(EnhancedFor.positiveSquares(x));
    assertThat(ws.x()).usingExactEquality().containsExactly(expected).inOrder();
  }

  @Test
  void overAnIntArrayOfIndices() {
    Random r = new Random(12);
    int[] idx = {3, 0, 3};
    double[] x = random(r, 4);
    double[] expected = {3 * x[0] * x[0], 0, 0, 6 * x[3] * x[3]};
    check("overIndices", x, EnhancedForAdjoint.overIndicesGrad(x, idx).x(), expected,
        EnhancedForAdjoint.overIndicesFunction(4, idx),
        v -> EnhancedForAdjoint.overIndicesJvp(x, idx, v).tangent(), r);
  }

  @Test
  void overTheRowsOfAMatrix() {
    Random r = new Random(13);
    double[][] m = {random(r, 3), random(r, 3)};
    double[] w = random(r, 3);
    double[] norms = new double[2];
    double[] dots = new double[2];
    for (int i = 0; i < 2; i++) {
      norms[i] = Math.sqrt(m[i][0] * m[i][0] + m[i][1] * m[i][1] + m[i][2] * m[i][2]);
      dots[i] = m[i][0] * w[0] + m[i][1] * w[1] + m[i][2] * w[2];
    }
    double[] expectedNorms = new double[6];
    double[] expectedDots = new double[6];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        expectedNorms[3 * i + j] = m[i][j] / norms[i];
        expectedDots[3 * i + j] = 2 * dots[i] * w[j];
      }
    }
    check("rowNorms", flatten(m), flatten(EnhancedForAdjoint.rowNormsGrad(m).m()), expectedNorms,
        flat(2, 3, EnhancedFor::rowNorms, a -> EnhancedForAdjoint.rowNormsGrad(a).m()),
        v -> EnhancedForAdjoint.rowNormsJvp(m, unflat(v, 2, 3)).tangent(), r);
    double[] dw = new double[3];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        dw[j] += 2 * dots[i] * m[i][j];
      }
    }
    var g = EnhancedForAdjoint.rowDotsGrad(m, w);
    check("rowDots", flatten(m), flatten(g.m()), expectedDots,
        flat(2, 3, a -> EnhancedFor.rowDots(a, w), a -> EnhancedForAdjoint.rowDotsGrad(a, w).m()),
        v -> EnhancedForAdjoint.rowDotsJvp(m, w, unflat(v, 2, 3), null).tangent(), r);
    assertThat(g.w()).usingTolerance(1e-12).containsExactly(dw).inOrder();
    var ws = EnhancedForAdjoint.rowNormsWorkspace();
    assertThat(ws.valueAndGrad(m)).isEqualTo(EnhancedFor.rowNorms(m));
    assertThat(flatten(ws.m())).usingTolerance(1e-12).containsExactly(expectedNorms).inOrder();
  }

  @Test
  void overOneRowNamedOnce() {
    Random r = new Random(14);
    double[][] m = {random(r, 2), random(r, 2)};
    double[] expected = {0, 0, Math.exp(m[1][0]), Math.exp(m[1][1])};
    check("overRow", flatten(m), flatten(EnhancedForAdjoint.overRowGrad(m, 1).m()), expected,
        flat(2, 2, a -> EnhancedFor.overRow(a, 1), a -> EnhancedForAdjoint.overRowGrad(a, 1).m()),
        v -> EnhancedForAdjoint.overRowJvp(m, 1, unflat(v, 2, 2)).tangent(), r);
  }

  @Test
  void writesThroughTheRowsOfALocalMatrix() {
    Random r = new Random(15);
    double[][] m = {random(r, 2), random(r, 2), random(r, 2)};
    double c = 0.8;
    double[] expected = new double[6];
    double dc = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        double t = m[i][j] * m[i][j] * c + 1;
        expected[2 * i + j] = 2 * t * 2 * m[i][j] * c;
        dc += 2 * t * m[i][j] * m[i][j];
      }
    }
    var g = EnhancedForAdjoint.writeRowsGrad(m, c);
    check("writeRows", flatten(m), flatten(g.m()), expected,
        flat(3, 2, a -> EnhancedFor.writeRows(a, c),
            a -> EnhancedForAdjoint.writeRowsGrad(a, c).m()),
        v -> EnhancedForAdjoint.writeRowsJvp(m, c, unflat(v, 3, 2), 0).tangent(), r);
    assertThat(g.c()).isWithin(1e-12).of(dc);
  }
}
