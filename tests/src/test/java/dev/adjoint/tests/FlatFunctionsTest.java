package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import dev.adjoint.runtime.VectorFunction;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The function forms that take examples of a method's arrays (issue 11, section 3): the point is
 * the differentiable parameters flattened in declaration order (matrices row by row), its value is
 * the primal's, its gradient the closed form's, {@code GradCheck} passes, and {@code mFlatten} and
 * {@code mUnflatten} convert both ways.
 */
final class FlatFunctionsTest {
  private static final double A = 0.7;
  private static final double[] V = {0.3, -1.2, 2.0};
  /** Ragged, with an empty row. */
  private static final double[][] M = {{0.5, -0.25}, {}, {1.5, 0.1, -2.0}};
  private static final double[] DATA = {1.0, 0.5, -3.0};

  private static double[] closedFormGradient(double a, double[] v, double[][] m, double[] data) {
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += v[i] * data[i];
    }
    double t = 0;
    for (double[] row : m) {
      for (double x : row) {
        t += Math.sin(x);
      }
    }
    List<Double> out = new ArrayList<>();
    out.add(2 * a * s + t);
    for (int i = 0; i < v.length; i++) {
      out.add(a * a * data[i] + (i == 0 ? m[0][0] : 0));
    }
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        out.add(a * Math.cos(m[i][j]) + (i == 0 && j == 0 ? v[0] : 0));
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void mixedShapesFlattenInDeclarationOrder() {
    DifferentiableFunction f = FlatFunctionsAdjoint.mixedFunction(V, M, DATA);
    assertThat(f.dimension()).isEqualTo(1 + 3 + 5);
    double[] point = FlatFunctionsAdjoint.mixedFlatten(A, V, M);
    assertThat(point).usingExactEquality()
        .containsExactly(A, 0.3, -1.2, 2.0, 0.5, -0.25, 1.5, 0.1, -2.0).inOrder();
    assertThat(f.value(point)).isEqualTo(FlatFunctions.mixed(A, V, M, DATA));
    double[] gradient = new double[9];
    assertThat(f.valueAndGradient(point, gradient)).isEqualTo(FlatFunctions.mixed(A, V, M, DATA));
    double[] expected = closedFormGradient(A, V, M, DATA);
    for (int i = 0; i < expected.length; i++) {
      assertWithMessage("d/d point[%s]", i).that(gradient[i]).isWithin(1e-12).of(expected[i]);
    }
    GradCheck.Report report = GradCheck.defaults().check(f, point);
    assertWithMessage(report.toString()).that(report.passed()).isTrue();
  }

  @Test
  void callsAtOtherPointsReuseNothingOfTheLast() {
    DifferentiableFunction f = FlatFunctionsAdjoint.mixedFunction(V, M, DATA);
    Random r = new Random(7);
    for (int call = 0; call < 20; call++) {
      double[] v = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
      double[][] m = {{r.nextGaussian(), r.nextGaussian()}, {},
          {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()}};
      double a = r.nextGaussian();
      double[] point = FlatFunctionsAdjoint.mixedFlatten(a, v, m);
      double[] before = point.clone();
      double[] gradient = new double[9];
      assertThat(f.value(point)).isEqualTo(FlatFunctions.mixed(a, v, m, DATA));
      assertThat(f.valueAndGradient(point, gradient)).isEqualTo(FlatFunctions.mixed(a, v, m, DATA));
      double[] expected = closedFormGradient(a, v, m, DATA);
      for (int i = 0; i < expected.length; i++) {
        assertThat(gradient[i]).isWithin(1e-12).of(expected[i]);
      }
      assertThat(point).isEqualTo(before);
    }
  }

  @Test
  void theExamplesShapeIsReadWhenTheFunctionIsMade() {
    double[][] m = {{1.0, 2.0}, {3.0}};
    DifferentiableFunction f = FlatFunctionsAdjoint.mixedFunction(new double[3], m, DATA);
    m[1] = new double[7];
    assertThat(f.dimension()).isEqualTo(1 + 3 + 3);
    double[] point = {A, 0.3, -1.2, 2.0, 0.5, -0.25, 1.5};
    assertThat(f.value(point))
        .isEqualTo(FlatFunctions.mixed(A, V, new double[][] {{0.5, -0.25}, {1.5}}, DATA));
  }

  @Test
  void unflattenGivesTheParametersInTheGradientRecord() {
    double[] point = FlatFunctionsAdjoint.mixedFlatten(A, V, M);
    double[][] shape = {new double[2], new double[0], new double[3]};
    var p = FlatFunctionsAdjoint.mixedUnflatten(point, new double[3], shape);
    assertThat(p.a()).isEqualTo(A);
    assertThat(p.v()).isEqualTo(V);
    assertThat(p.m()).isEqualTo(M);
    assertThat(p.m()).isNotSameInstanceAs(shape);
    assertThat(p.m()[0]).isNotSameInstanceAs(shape[0]);
    assertThat(FlatFunctionsAdjoint.mixedFlatten(p.a(), p.v(), p.m())).isEqualTo(point);
    // Scalars only.
    double[] xy = FlatFunctionsAdjoint.scalarsFlatten(2.0, 3.0);
    assertThat(xy).usingExactEquality().containsExactly(2.0, 3.0).inOrder();
    var s = FlatFunctionsAdjoint.scalarsUnflatten(xy);
    assertThat(s.x()).isEqualTo(2.0);
    assertThat(s.y()).isEqualTo(3.0);
  }

  @Test
  void aPointOfTheWrongLengthIsRejected() {
    DifferentiableFunction f = FlatFunctionsAdjoint.mixedFunction(V, M, DATA);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.value(new double[8]));
    assertThat(e).hasMessageThat().contains("expected a point of length 9");
    assertThat(e).hasMessageThat().contains("the point has length 8");
    e = assertThrows(IllegalArgumentException.class,
        () -> f.valueAndGradient(new double[10], new double[10]));
    assertThat(e).hasMessageThat().contains("the point has length 10");
    e = assertThrows(IllegalArgumentException.class,
        () -> f.valueAndGradient(new double[9], new double[8]));
    assertThat(e).hasMessageThat().contains("the gradient buffer 8");
    e = assertThrows(IllegalArgumentException.class,
        () -> FlatFunctionsAdjoint.mixedUnflatten(new double[8], V, M));
    assertThat(e).hasMessageThat().isEqualTo(
        "mixed: expected a point of length 9 (the coordinates of a, v, m), but it has length 8");
    e = assertThrows(IllegalArgumentException.class,
        () -> FlatFunctionsAdjoint.scalarsUnflatten(new double[3]));
    assertThat(e).hasMessageThat().contains("expected a point of length 2");
  }

  @Test
  void valueCallsTheMethodAndTheGradientTheRules() {
    double[] v = {0.5, 1.5, 2.5};
    double c = 1.25;
    double[][] m = {{0.75}};
    DifferentiableFunction f = FlatFunctionsAdjoint.softenedFunction(v, m);
    double[] point = FlatFunctionsAdjoint.softenedFlatten(v, c, m);
    assertThat(point).usingExactEquality().containsExactly(0.5, 1.5, 2.5, 1.25, 0.75).inOrder();
    assertThat(f.value(point)).isEqualTo(FlatFunctions.softened(v, c, m));
    double[] g = new double[5];
    double withRule = f.valueAndGradient(point, g);
    // The forward sweep runs softplus's @Fwd, whose value differs from its body's.
    assertThat(withRule).isEqualTo(FlatFunctionsAdjoint.softenedValueAndGrad(v, c, m).value());
    assertThat(withRule).isNotEqualTo(f.value(point));
    double sum = 0;
    for (int i = 0; i < 3; i++) {
      double x = v[i];
      double fwd = x + Math.exp(-x) - 0.5 * Math.exp(-2 * x);
      sum += fwd;
      assertThat(g[i]).isWithin(1e-12).of(c / (1 + Math.exp(-x)));
    }
    assertThat(g[3]).isWithin(1e-12).of(sum);
    assertThat(g[4]).isWithin(1e-12).of(2 * 0.75);
  }

  @Test
  void aMatrixAloneAndOneArray() {
    double[][] m = {{1.0, -2.0, 0.5}, {3.0}};
    DifferentiableFunction f = FlatFunctionsAdjoint.frobeniusFunction(m);
    double[] point = FlatFunctionsAdjoint.frobeniusFlatten(m);
    assertThat(f.dimension()).isEqualTo(4);
    double[] g = new double[4];
    assertThat(f.valueAndGradient(point, g)).isEqualTo(FlatFunctions.frobenius(m));
    assertThat(g).usingTolerance(1e-12).containsExactly(2.0, -4.0, 1.0, 6.0).inOrder();
    assertThat(GradCheck.defaults().check(f, point).passed()).isTrue();

    // One array: the example's form is the dimension's form with the example's length.
    double[] x = {0.5, -1.5, 2.0};
    DifferentiableFunction byExample = FlatFunctionsAdjoint.pickedFunction(x, 1);
    DifferentiableFunction byLength = FlatFunctionsAdjoint.pickedFunction(3, 1);
    assertThat(byExample.dimension()).isEqualTo(3);
    double[] g1 = new double[3];
    double[] g2 = new double[3];
    assertThat(byExample.valueAndGradient(x, g1)).isEqualTo(byLength.valueAndGradient(x, g2));
    assertThat(g1).isEqualTo(g2);
    assertThat(g1).usingTolerance(1e-12).containsExactly(0.0, -3.0, 0.0).inOrder();
    assertThat(FlatFunctionsAdjoint.pickedUnflatten(x, new double[3]).x()).isEqualTo(x);
  }

  @Test
  void anInstanceMethodBindsItsReceiver() {
    FlatFunctions.Spring spring = new FlatFunctions.Spring(1.5);
    double[] x = {0.25, -0.5, 1.0, 2.0};
    double c = 0.3;
    double[][] w = {{0.5, 1.0}, {-1.0}};
    DifferentiableFunction f = FlatFunctions_SpringAdjoint.energyFunction(x, w, spring);
    double[] point = FlatFunctions_SpringAdjoint.energyFlatten(x, c, w);
    assertThat(f.dimension()).isEqualTo(4 + 1 + 3);
    assertThat(point[4]).isEqualTo(c);
    assertThat(f.value(point)).isEqualTo(spring.energy(x, c, w));
    double[] g = new double[8];
    assertThat(f.valueAndGradient(point, g)).isEqualTo(spring.energy(x, c, w));
    double dc = 0;
    for (int i = 0; i < 4; i++) {
      assertThat(g[i]).isWithin(1e-12).of(2 * 1.5 * (x[i] - c));
      dc -= 2 * 1.5 * (x[i] - c);
    }
    assertThat(g[4]).isWithin(1e-12).of(dc);
    assertThat(g[5]).isWithin(1e-12).of(1.0);
    assertThat(g[6]).isWithin(1e-12).of(2.0);
    assertThat(g[7]).isWithin(1e-12).of(-2.0);
    assertThat(GradCheck.defaults().check(f, point).passed()).isTrue();
    var p = FlatFunctions_SpringAdjoint.energyUnflatten(point, x, w);
    assertThat(p.c()).isEqualTo(c);
    assertThat(p.w()).isEqualTo(w);
  }

  @Test
  void aCustomRuleAndItsBody() {
    double[] v = {0.5, -1.0, 2.0};
    double[] point = FlatFunctionsAdjoint.weightedFlatten(1.5, v);
    DifferentiableFunction rule = FlatFunctionsAdjoint.weightedFunction(v);
    DifferentiableFunction body = FlatFunctionsAdjoint.FromBody.weightedFunction(v);
    double[] gRule = new double[4];
    double[] gBody = new double[4];
    assertThat(rule.valueAndGradient(point, gRule)).isEqualTo(FlatFunctions.weighted(1.5, v));
    assertThat(body.valueAndGradient(point, gBody)).isEqualTo(FlatFunctions.weighted(1.5, v));
    assertThat(gRule).usingTolerance(1e-12).containsExactly(5.25, 1.5, -3.0, 6.0).inOrder();
    assertThat(gBody).usingTolerance(1e-12).containsExactly(5.25, 1.5, -3.0, 6.0).inOrder();
    assertThat(GradCheck.defaults().check(rule, point).passed()).isTrue();
    assertThat(GradCheck.defaults().check(body, point).passed()).isTrue();
  }

  @Test
  void aVectorFunctionOfMixedShapes() {
    double[] p = {0.5, -1.5};
    double t = 1.25;
    double[][] q = {{2.0}, {0.5, 3.0, -1.0}};
    VectorFunction f = FlatFunctionsAdjoint.residualsVectorFunction(3, p, q);
    double[] point = FlatFunctionsAdjoint.residualsFlatten(p, t, q);
    assertThat(point).usingExactEquality()
        .containsExactly(0.5, -1.5, 1.25, 2.0, 0.5, 3.0, -1.0).inOrder();
    assertThat(f.inputDimension()).isEqualTo(7);
    assertThat(f.value(point)).isEqualTo(FlatFunctions.residuals(p, t, q));
    // Rows: d r_i / d (p0, p1, t, q00, q10, q11, q12).
    double s = 0.5 + 3.0 - 1.0;
    double[][] jacobian = {
        {t, 0, p[0], -1, 0, 0, 0},
        {0, q[1][0] * t * t, 2 * p[1] * q[1][0] * t, 0, p[1] * t * t, 0, 0},
        {s, 0, 0, 0, p[0], p[0], p[0]}};
    VectorFunction.ValueAndJacobian vj = f.valueAndJacobian(point);
    assertThat(vj.value()).isEqualTo(FlatFunctions.residuals(p, t, q));
    for (int i = 0; i < 3; i++) {
      assertThat(vj.jacobian()[i]).usingTolerance(1e-12).containsExactly(jacobian[i]).inOrder();
      double[] unit = new double[3];
      unit[i] = 1;
      assertThat(f.pullback(point, unit)).usingTolerance(1e-12).containsExactly(jacobian[i])
          .inOrder();
    }
    double[] direction = {1, 2, 3, 4, 5, 6, 7};
    double[] tangent = f.jvp(point, direction);
    for (int i = 0; i < 3; i++) {
      double expected = 0;
      for (int j = 0; j < 7; j++) {
        expected += jacobian[i][j] * direction[j];
      }
      assertThat(tangent[i]).isWithin(1e-12).of(expected);
    }
    assertThat(GradCheck.defaults().check(f, point).passed()).isTrue();
    assertThrows(IllegalArgumentException.class, () -> f.value(new double[6]));
    assertThrows(IllegalStateException.class,
        () -> FlatFunctionsAdjoint.residualsVectorFunction(2, p, q).value(point));
  }

  @Test
  void parametersNamedLikeTheGeneratedCodesOwnKeepTheirMeaning() {
    double[] point = {1.5};
    double[][] spare = {{2.0, -1.0}};
    double[] arrays = {0.5};
    double[] gradientOut = {4.0};
    double[] spareRows = {3.0};
    double[] along = {0.25};
    DifferentiableFunction f = FlatFunctionsAdjoint.namesFunction(point, spare, arrays,
        gradientOut, 2.0, spareRows, 3, along);
    double[] x = FlatFunctionsAdjoint.namesFlatten(point, 0.75, spare, arrays, 0.125);
    assertThat(f.dimension()).isEqualTo(6);
    double expected = FlatFunctions.names(point, 0.75, spare, gradientOut, arrays, 2.0, 0.125,
        spareRows, 3, along);
    assertThat(f.value(x)).isEqualTo(expected);
    double[] g = new double[6];
    assertThat(f.valueAndGradient(x, g)).isEqualTo(expected);
    assertThat(g).usingTolerance(1e-12)
        .containsExactly(0.75, 1.5, 4.0, -2.0, 4.0 * 2.0, 1.0).inOrder();
    assertThat(GradCheck.defaults().check(f, x).passed()).isTrue();
    var p = FlatFunctionsAdjoint.namesUnflatten(x, point, spare, arrays);
    assertThat(p.dimension()).isEqualTo(0.75);
    assertThat(p.dimensionAt()).isEqualTo(0.125);

    double[] outputDimension = {2.0};
    double[][] flat = {{3.0}};
    VectorFunction v = FlatFunctionsAdjoint.vectorNamesVectorFunction(2, outputDimension, flat,
        0.5, new double[] {1.0});
    double[] y = FlatFunctionsAdjoint.vectorNamesFlatten(outputDimension, 1.5, flat);
    assertThat(v.value(y))
        .isEqualTo(FlatFunctions.vectorNames(outputDimension, 1.5, flat, 0.5, new double[] {1.0}));
    assertThat(v.pullback(y, new double[] {1.0, 1.0})).usingTolerance(1e-12)
        .containsExactly(1.5, 2.0, 0.5).inOrder();
    assertThat(GradCheck.defaults().check(v, y).passed()).isTrue();
  }

  /**
   * A line search calls {@code value} many times per gradient: after the first call it allocates
   * nothing (the arrays a point is unflattened into are kept), as the function of one array,
   * which passes the point itself, allocates nothing. Bytes, not time: the JVM counts them per
   * thread exactly.
   */
  @Test
  void repeatedValuesAllocateNothing() {
    var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    DifferentiableFunction f = FlatFunctionsAdjoint.mixedFunction(V, M, DATA);
    double[] point = FlatFunctionsAdjoint.mixedFlatten(A, V, M);
    double sum = f.value(point);
    long thread = Thread.currentThread().getId();
    long before = bean.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 10_000; i++) {
      point[0] = A + i * 1e-6;
      sum += f.value(point);
    }
    long allocated = bean.getThreadAllocatedBytes(thread) - before;
    assertThat(Double.isFinite(sum)).isTrue();
    // 10 000 calls: even 8 bytes a call would be 80 000.
    assertThat(allocated).isLessThan(4_096L);
  }

  /** The arrays a function unflattens into are taken by one call at a time. */
  @Test
  void callsOnSeveralThreadsAtOnce() throws Exception {
    DifferentiableFunction f = FlatFunctionsAdjoint.mixedFunction(V, M, DATA);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        long seed = thread;
        results.add(pool.submit(() -> {
          Random r = new Random(seed);
          for (int call = 0; call < 2000; call++) {
            double a = r.nextGaussian();
            double[] v = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            double[][] m = {{r.nextGaussian(), r.nextGaussian()}, {},
                {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()}};
            double[] point = FlatFunctionsAdjoint.mixedFlatten(a, v, m);
            double[] gradient = new double[9];
            double value = call % 2 == 0 ? f.value(point) : f.valueAndGradient(point, gradient);
            if (value != FlatFunctions.mixed(a, v, m, DATA)) {
              return "call " + call + ": " + value + ", but the method gives "
                  + FlatFunctions.mixed(a, v, m, DATA);
            }
          }
          return "";
        }));
      }
      for (Future<String> result : results) {
        assertThat(result.get()).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
