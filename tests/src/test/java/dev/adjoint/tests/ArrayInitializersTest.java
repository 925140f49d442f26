package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.adjoint.tests.RandomArrays.gaussian;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Array initializers against closed forms, GradCheck (central differences), the Vjp, the
 * workspace, and forward mode against reverse.
 */
final class ArrayInitializersTest {

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /**
   * The gradient is the closed form; GradCheck passes on the generated function; forward mode
   * along random directions is the gradient's dot product.
   */
  static void check(String name, double[] point, double[] grad, double[] expected,
      DifferentiableFunction f, ToDoubleFunction<double[]> jvp, Random r) {
    assertWithMessage("%s: gradient length", name).that(grad).hasLength(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertWithMessage("%s: d/dx[%s]", name, i).that(grad[i])
          .isWithin(1e-12 * (1 + Math.abs(expected[i]))).of(expected[i]);
    }
    GradCheck.defaults().assertGradient(f, point.clone());
    for (int k = 0; k < 3; k++) {
      double[] v = gaussian(r, point.length);
      assertWithMessage("%s: jvp", name).that(jvp.applyAsDouble(v))
          .isWithin(1e-11 * (1 + Math.abs(dot(grad, v)))).of(dot(grad, v));
    }
  }

  @Test
  void aVectorInitializer() {
    Random r = new Random(1);
    for (int trial = 0; trial < 10; trial++) {
      double y = r.nextGaussian();
      var vg = ArrayInitializersAdjoint.productValueAndGrad(y);
      assertThat(vg.value()).isEqualTo(ArrayInitializers.product(y));
      check("product", new double[] {y}, new double[] {vg.grad().y()},
          new double[] {3 * y * y}, ArrayInitializersAdjoint.productFunction(),
          v -> ArrayInitializersAdjoint.productJvp(y, v[0]).tangent(), r);
      var ws = ArrayInitializersAdjoint.productWorkspace();
      for (int call = 0; call < 2; call++) {
        assertThat(ws.valueAndGrad(y)).isEqualTo(vg.value());
        assertThat(ws.y()).isWithin(1e-12 * (1 + 3 * y * y)).of(3 * y * y);
      }
      assertThat(ArrayInitializersAdjoint.productVjp(y).pullback(2).y())
          .isWithin(1e-12 * (1 + 6 * y * y)).of(6 * y * y);
    }
  }

  @Test
  void theNewFormWithAnIntElement() {
    Random r = new Random(2);
    for (int trial = 0; trial < 10; trial++) {
      double a = r.nextGaussian();
      double c = r.nextGaussian();
      var vg = ArrayInitializersAdjoint.newFormValueAndGrad(a, c);
      double s = Math.sin(c);
      assertThat(vg.value()).isEqualTo(ArrayInitializers.newForm(a, c));
      assertThat(vg.value()).isWithin(1e-12).of(a * a + s * s + 4 + a * a * c * c);
      check("newForm", new double[] {a, c}, new double[] {vg.grad().a(), vg.grad().c()},
          new double[] {2 * a + 2 * a * c * c, 2 * s * Math.cos(c) + 2 * a * a * c},
          ArrayInitializersAdjoint.newFormFunction(),
          v -> ArrayInitializersAdjoint.newFormJvp(a, c, v[0], v[1]).tangent(), r);
    }
  }

  @Test
  void aMatrixInitializer() {
    Random r = new Random(3);
    for (int trial = 0; trial < 10; trial++) {
      double[] p = gaussian(r, 4);
      var vg = ArrayInitializersAdjoint.determinantValueAndGrad(p[0], p[1], p[2], p[3]);
      assertThat(vg.value()).isEqualTo(p[0] * p[3] - p[1] * p[2]);
      var g = vg.grad();
      check("determinant", p, new double[] {g.a(), g.b(), g.c(), g.d()},
          new double[] {p[3], -p[2], -p[1], p[0]}, ArrayInitializersAdjoint.determinantFunction(),
          v -> ArrayInitializersAdjoint.determinantJvp(p[0], p[1], p[2], p[3],
              v[0], v[1], v[2], v[3]).tangent(), r);
      var ws = ArrayInitializersAdjoint.determinantWorkspace();
      assertThat(ws.valueAndGrad(p[0], p[1], p[2], p[3])).isEqualTo(vg.value());
      assertThat(ws.c()).isEqualTo(g.c());
    }
  }

  @Test
  void aMatrixInitializerIteratedByRows() {
    Random r = new Random(4);
    for (int trial = 0; trial < 10; trial++) {
      double[] x = gaussian(r, 6);
      var vg = ArrayInitializersAdjoint.rowsValueAndGrad(x);
      assertThat(vg.value()).isEqualTo(ArrayInitializers.rows(x));
      double[] expected = {x[2], -Math.exp(x[1]), x[0], 2 * x[3] * x[5], -Math.exp(x[4]),
          x[3] * x[3]};
      check("rows", x, vg.grad().x(), expected, ArrayInitializersAdjoint.rowsFunction(6),
          v -> ArrayInitializersAdjoint.rowsJvp(x, v).tangent(), r);
      var ws = ArrayInitializersAdjoint.rowsWorkspace();
      for (int call = 0; call < 2; call++) {
        assertThat(ws.valueAndGrad(x)).isEqualTo(vg.value());
        assertThat(ws.x()).usingTolerance(1e-12).containsExactly(expected).inOrder();
      }
    }
  }

  @Test
  void indexAndWeightInitializers() {
    Random r = new Random(5);
    double[] x = gaussian(r, 3);
    var vg = ArrayInitializersAdjoint.gatherValueAndGrad(x);
    assertThat(vg.value()).isEqualTo(ArrayInitializers.gather(x));
    check("gather", x, vg.grad().x(), new double[] {2 * x[0], 3, 4 * x[2]},
        ArrayInitializersAdjoint.gatherFunction(3),
        v -> ArrayInitializersAdjoint.gatherJvp(x, v).tangent(), r);
  }

  @Test
  void elementsThatCallAnAnnotatedMethod() {
    Random r = new Random(6);
    for (int trial = 0; trial < 10; trial++) {
      double y = r.nextGaussian();
      // y^2 + y^4 sin y
      double expected = 2 * y + 4 * y * y * y * Math.sin(y) + y * y * y * y * Math.cos(y);
      var vg = ArrayInitializersAdjoint.callsValueAndGrad(y);
      assertThat(vg.value()).isEqualTo(ArrayInitializers.calls(y));
      check("calls", new double[] {y}, new double[] {vg.grad().y()}, new double[] {expected},
          ArrayInitializersAdjoint.callsFunction(),
          v -> ArrayInitializersAdjoint.callsJvp(y, v[0]).tangent(), r);
    }
  }

  @Test
  void initializersInALoop() {
    Random r = new Random(7);
    for (int n = 0; n < 7; n++) {
      double[] x = gaussian(r, n);
      double[] expected = new double[n];
      for (int i = 0; i + 1 < n; i++) {
        expected[i] += 2 * x[i + 1] * x[i] - 2 * x[i];
        expected[i + 1] += x[i] * x[i];
      }
      var vg = ArrayInitializersAdjoint.inLoopValueAndGrad(x);
      assertThat(vg.value()).isEqualTo(ArrayInitializers.inLoop(x));
      check("inLoop", x, vg.grad().x(), expected, ArrayInitializersAdjoint.inLoopFunction(n),
          v -> ArrayInitializersAdjoint.inLoopJvp(x, v).tangent(), r);
      var ws = ArrayInitializersAdjoint.inLoopWorkspace();
      for (int call = 0; call < 2; call++) {
        assertThat(ws.valueAndGrad(x)).isEqualTo(vg.value());
        assertThat(ws.x()).usingTolerance(1e-12).containsExactly(expected).inOrder();
      }
    }
  }

  @Test
  void anInitializerReturned() {
    Random r = new Random(8);
    for (int trial = 0; trial < 10; trial++) {
      double rad = r.nextGaussian();
      double t = r.nextGaussian();
      double[] c = gaussian(r, 2);
      var vjp = ArrayInitializersAdjoint.polarVjp(rad, t);
      assertThat(vjp.value()).usingExactEquality()
          .containsExactly(rad * Math.cos(t), rad * Math.sin(t)).inOrder();
      var g = vjp.pullback(c);
      double gr = c[0] * Math.cos(t) + c[1] * Math.sin(t);
      double gt = -c[0] * rad * Math.sin(t) + c[1] * rad * Math.cos(t);
      assertThat(g.r()).isWithin(1e-14).of(gr);
      assertThat(g.theta()).isWithin(1e-14).of(gt);
      double[] v = gaussian(r, 2);
      var jvp = ArrayInitializersAdjoint.polarJvp(rad, t, v[0], v[1]);
      assertThat(jvp.value()).usingExactEquality().containsExactly(vjp.value()).inOrder();
      // <c, J v> = <J^T c, v>
      assertThat(dot(c, jvp.tangent())).isWithin(1e-13).of(gr * v[0] + gt * v[1]);

      var pair = ArrayInitializersAdjoint.pairVjp(rad, t);
      assertThat(pair.value()).usingExactEquality().containsExactly(rad * t, rad + t).inOrder();
      assertThat(pair.pullback(c).a()).isWithin(1e-14).of(c[0] * t + c[1]);
      assertThat(pair.pullback(c).b()).isWithin(1e-14).of(c[0] * rad + c[1]);
      assertThat(ArrayInitializersAdjoint.pairJvp(rad, t, v[0], v[1]).tangent())
          .usingTolerance(1e-14).containsExactly(v[0] * t + rad * v[1], v[0] + v[1]).inOrder();

      // r^2 cos t sin t + r t
      var vg = ArrayInitializersAdjoint.usesPolarValueAndGrad(rad, t);
      assertThat(vg.value()).isEqualTo(ArrayInitializers.usesPolar(rad, t));
      double cs = Math.cos(t) * Math.sin(t);
      check("usesPolar", new double[] {rad, t}, new double[] {vg.grad().r(), vg.grad().theta()},
          new double[] {2 * rad * cs + t, rad * rad * Math.cos(2 * t) + rad},
          ArrayInitializersAdjoint.usesPolarFunction(),
          w -> ArrayInitializersAdjoint.usesPolarJvp(rad, t, w[0], w[1]).tangent(), r);
    }
  }

  @Test
  void emptyInitializers() {
    Random r = new Random(9);
    double y = r.nextGaussian();
    var vg = ArrayInitializersAdjoint.emptyValueAndGrad(y);
    assertThat(vg.value()).isEqualTo(y * y + 3);
    assertThat(vg.value()).isEqualTo(ArrayInitializers.empty(y));
    check("empty", new double[] {y}, new double[] {vg.grad().y()}, new double[] {2 * y},
        ArrayInitializersAdjoint.emptyFunction(),
        v -> ArrayInitializersAdjoint.emptyJvp(y, v[0]).tangent(), r);
  }

  @Test
  void anInitializedElementOverwritten() {
    Random r = new Random(10);
    for (int trial = 0; trial < 5; trial++) {
      double y = r.nextGaussian();
      var vg = ArrayInitializersAdjoint.overwrittenValueAndGrad(y);
      assertThat(vg.value()).isEqualTo(ArrayInitializers.overwritten(y));
      check("overwritten", new double[] {y}, new double[] {vg.grad().y()},
          new double[] {4 * y + 2}, ArrayInitializersAdjoint.overwrittenFunction(),
          v -> ArrayInitializersAdjoint.overwrittenJvp(y, v[0]).tangent(), r);
    }
  }

  @Test
  void elementsWithEffectsRunOnceInSourceOrder() {
    double y = 0.7;
    Random draws = new Random(11);
    double u0 = draws.nextDouble();
    double u1 = draws.nextDouble();
    double after = draws.nextDouble();
    Random random = new Random(11);
    var vg = ArrayInitializersAdjoint.drawnValueAndGrad(y, random);
    assertThat(vg.value()).isEqualTo(y * u0 + u1 * y * y);
    assertThat(vg.grad().y()).isWithin(1e-15).of(u0 + 2 * u1 * y);
    assertThat(random.nextDouble()).isEqualTo(after);
    Random forward = new Random(11);
    var jvp = ArrayInitializersAdjoint.drawnJvp(y, forward, 1.0);
    assertThat(jvp.value()).isEqualTo(vg.value());
    assertThat(jvp.tangent()).isWithin(1e-15).of(u0 + 2 * u1 * y);
    assertThat(forward.nextDouble()).isEqualTo(after);
  }

  @Test
  void secondOrderThroughInitializers() {
    Random r = new Random(12);
    for (int trial = 0; trial < 5; trial++) {
      double x = r.nextGaussian();
      double y = r.nextGaussian();
      var vg = ArrayInitializersAdjoint.secondOrderValueAndGrad(x, y);
      assertThat(vg.value()).isEqualTo(ArrayInitializers.secondOrder(x, y));
      assertThat(vg.grad().x()).isWithin(1e-13).of(2 * x * y + y * y);
      assertThat(vg.grad().y()).isWithin(1e-13).of(x * x + 2 * x * y);
      double[][] h = ArrayInitializersAdjoint.secondOrderHessian(x, y);
      assertThat(h[0]).usingTolerance(1e-13).containsExactly(2 * y, 2 * x + 2 * y).inOrder();
      assertThat(h[1]).usingTolerance(1e-13).containsExactly(2 * x + 2 * y, 2 * x).inOrder();
    }
  }
}
