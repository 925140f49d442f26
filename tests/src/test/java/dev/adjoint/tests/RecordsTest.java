package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import dev.adjoint.tests.Records.Data;
import dev.adjoint.tests.Records.Layer;
import dev.adjoint.tests.Records.Model;
import dev.adjoint.tests.Records.Order;
import dev.adjoint.tests.Records.Params;
import dev.adjoint.tests.Records.Point;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Records as differentiable parameters against closed forms and GradCheck, in every form. */
final class RecordsTest {

  private static double[][] matrix(Random r, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int i = 0; i < cols; i++) {
        row[i] = r.nextGaussian() * 0.7;
      }
    }
    return m;
  }

  private static double[] vector(Random r, int n) {
    return matrix(r, 1, n)[0];
  }

  private static Params params(Random r) {
    return new Params(matrix(r, 4, 2), vector(r, 4), matrix(r, 3, 4), vector(r, 3));
  }

  /** The leaves of a Params, flattened in declaration order (matrices row-major). */
  private static double[] flatten(Params p) {
    double[] out = new double[8 + 4 + 12 + 3];
    int k = 0;
    for (double[] row : p.w1()) {
      for (double v : row) {
        out[k++] = v;
      }
    }
    for (double v : p.b1()) {
      out[k++] = v;
    }
    for (double[] row : p.w2()) {
      for (double v : row) {
        out[k++] = v;
      }
    }
    for (double v : p.b2()) {
      out[k++] = v;
    }
    return out;
  }

  private static Params unflatten(double[] x) {
    double[][] w1 = new double[4][2];
    double[] b1 = new double[4];
    double[][] w2 = new double[3][4];
    double[] b2 = new double[3];
    int k = 0;
    for (double[] row : w1) {
      for (int i = 0; i < row.length; i++) {
        row[i] = x[k++];
      }
    }
    for (int i = 0; i < 4; i++) {
      b1[i] = x[k++];
    }
    for (double[] row : w2) {
      for (int i = 0; i < row.length; i++) {
        row[i] = x[k++];
      }
    }
    for (int i = 0; i < 3; i++) {
      b2[i] = x[k++];
    }
    return new Params(w1, b1, w2, b2);
  }

  private static final double[][] XS = {{0.5, -1.0}, {1.5, 0.25}, {-0.75, 0.8}, {0.1, 0.2}};
  private static final int[] LABELS = {0, 2, 1, 2};

  @Test
  void aNetworksParameterRecordGetsARecordGradientThatPassesGradCheck() {
    Params p = params(new Random(7));
    var vg = RecordsAdjoint.lossValueAndGrad(p, XS, LABELS);
    assertThat(vg.value()).isEqualTo(Records.loss(p, XS, LABELS));
    Params g = vg.grad().p();
    assertThat(g.w1().length).isEqualTo(4);
    assertThat(g.w2()[2].length).isEqualTo(4);
    // The generated function over the record's leaves, flattened in declaration order.
    DifferentiableFunction f = RecordsAdjoint.lossFunction(p, XS, LABELS);
    assertThat(f.dimension()).isEqualTo(27);
    double[] point = RecordsAdjoint.lossFlatten(p);
    assertThat(point).isEqualTo(flatten(p));
    assertThat(flatten(RecordsAdjoint.lossUnflatten(point, p).p())).isEqualTo(point);
    assertThat(f.value(point)).isEqualTo(vg.value());
    double[] gradient = new double[27];
    assertThat(f.valueAndGradient(point, gradient)).isEqualTo(vg.value());
    assertThat(gradient).isEqualTo(flatten(g));
    var report = GradCheck.defaults().check(f, point);
    assertThat(report.passed()).isTrue();
    assertThat(report.fullJacobianChecked()).isTrue();
    // Every other form agrees with mValueAndGrad.
    assertThat(flatten(RecordsAdjoint.lossGrad(p, XS, LABELS).p())).isEqualTo(flatten(g));
    var vjp = RecordsAdjoint.lossVjp(p, XS, LABELS);
    assertThat(vjp.value()).isEqualTo(vg.value());
    assertThat(flatten(vjp.pullback(2.0).p()))
        .usingTolerance(1e-15).containsExactly(times(2.0, flatten(g))).inOrder();
    var w = RecordsAdjoint.lossWorkspace();
    assertThat(w.valueAndGrad(p, XS, LABELS)).isEqualTo(vg.value());
    assertThat(flatten(w.p())).isEqualTo(flatten(g));
    // The JVP along a record of tangents is <grad, direction>.
    Params dir = params(new Random(8));
    var jvp = RecordsAdjoint.lossJvp(p, XS, LABELS, dir);
    assertThat(jvp.value()).isEqualTo(vg.value());
    assertThat(jvp.tangent()).isWithin(1e-12).of(dot(flatten(g), flatten(dir)));
    var jw = RecordsAdjoint.lossJvpWorkspace();
    assertThat(jw.jvp(p, XS, LABELS, dir)).isEqualTo(vg.value());
    assertThat(jw.tangent()).isWithin(1e-12).of(jvp.tangent());
    assertThat(RecordsAdjoint.lossJvp(p, XS, LABELS, null).tangent()).isEqualTo(0.0);
  }

  @Test
  void aVjpKeepsTheRecordsArraysAsTheyWere() {
    Params p = params(new Random(9));
    double[] before = flatten(RecordsAdjoint.lossGrad(p, XS, LABELS).p());
    var vjp = RecordsAdjoint.lossVjp(p, XS, LABELS);
    double value = vjp.value();
    p.w1()[0][0] += 3.0;
    p.b2()[1] = -4.0;
    assertThat(vjp.value()).isEqualTo(value);
    assertThat(flatten(vjp.pullback(1.0).p())).isEqualTo(before);
    assertThat(flatten(vjp.pullback(1.0).p())).isEqualTo(before);
  }

  @Test
  void nestedRecordsCarryTheirComponentsWithoutFloatingPointData() {
    Layer first = new Layer(new double[][] {{0.5, -1.0, 2.0}}, new double[] {0.1, 0.2, 0.3});
    Layer second = new Layer(new double[][] {{1.5}}, new double[] {-2.0});
    int[] order = {2, 0, 2};
    Model m = new Model(first, 3.0, "net", order, second);
    double x = 0.7;
    var vg = RecordsAdjoint.nestedValueAndGrad(m, x);
    double s = (2.0 * x + 0.3) + (0.5 * x + 0.1) + (2.0 * x + 0.3);
    assertThat(vg.value()).isWithin(1e-12).of(3.0 * s + 1.5 * 4.0);
    Model g = vg.grad().m();
    assertThat(g.name()).isEqualTo("net");
    assertThat(g.order()).isSameInstanceAs(order);
    assertThat(g.scale()).isWithin(1e-12).of(s);
    assertThat(g.first().w()[0]).usingTolerance(1e-12)
        .containsExactly(3.0 * x, 0.0, 2 * 3.0 * x).inOrder();
    assertThat(g.first().b()).usingTolerance(1e-12).containsExactly(3.0, 0.0, 6.0).inOrder();
    assertThat(g.second().w()[0][0]).isWithin(1e-12).of(4.0);
    assertThat(g.second().b()[0]).isWithin(1e-12).of(2 * 1.5 * -2.0);
    assertThat(vg.grad().x()).isWithin(1e-12).of(3.0 * (2.0 + 0.5 + 2.0));
    // The tangent along a record with a tangent only in scale: d/dscale = s.
    Model dir = new Model(new Layer(new double[][] {{0, 0, 0}}, new double[3]), 1.0, "ignored",
        order, null == null ? new Layer(new double[][] {{0}}, new double[1]) : null);
    assertThat(RecordsAdjoint.nestedJvp(m, x, dir, 0.0).tangent()).isWithin(1e-12).of(s);
    assertThat(vg.grad().toString()).contains("net");
    // The function binds the example's components with no floating-point data.
    var f = RecordsAdjoint.nestedFunction(m);
    assertThat(f.dimension()).isEqualTo(3 + 3 + 1 + 1 + 1 + 1);
    double[] point = RecordsAdjoint.nestedFlatten(m, x);
    assertThat(f.value(point)).isEqualTo(vg.value());
    Model back = RecordsAdjoint.nestedUnflatten(point, m).m();
    assertThat(back.order()).isSameInstanceAs(order);
    assertThat(back.scale()).isEqualTo(3.0);
    assertThat(GradCheck.defaults().check(f, point).passed()).isTrue();
  }

  @Test
  void scalarRecordsAndCallsBetweenMethodsThatTakeThem() {
    Point a = new Point(1.0, 2.0);
    Point b = new Point(-0.5, 0.25);
    var g = RecordsAdjoint.distance2Grad(a, b, 3.0);
    assertThat(g.a()).isEqualTo(new Point(2 * 1.5 + 3.0, 2 * 1.75));
    assertThat(g.b()).isEqualTo(new Point(-2 * 1.5, -2 * 1.75));
    assertThat(g.k()).isEqualTo(1.0);
    // twice = |a-b|^2 + a.x + |b-a|^2 + 2 b.x
    var t = RecordsAdjoint.twiceGrad(a, b);
    assertThat(t.a().x()).isWithin(1e-12).of(4 * 1.5 + 1.0);
    assertThat(t.a().y()).isWithin(1e-12).of(4 * 1.75);
    assertThat(t.b().x()).isWithin(1e-12).of(-4 * 1.5 + 2.0);
    assertThat(t.b().y()).isWithin(1e-12).of(-4 * 1.75);
    assertThat(RecordsAdjoint.twiceJvp(a, b, new Point(1.0, 0.0), null).tangent())
        .isWithin(1e-12).of(t.a().x());
  }

  @Test
  void recordLocalsAreMadeOfValuesOrShareARecord() {
    Point a = new Point(1.0, 2.0);
    Point b = new Point(3.0, -1.0);
    var vg = RecordsAdjoint.midpointValueAndGrad(a, b);
    assertThat(vg.value()).isEqualTo(Records.midpoint(a, b));
    double midX = 2.0;
    assertThat(vg.grad().a().x()).isWithin(1e-12).of(-(3.0 - 1.0) / 2 + 0.5 * 2.0);
    assertThat(vg.grad().a().y()).isWithin(1e-12).of(-(-1.0 - 2.0) / 2 + midX);
    assertThat(vg.grad().b().x()).isWithin(1e-12).of((3.0 - 1.0) / 2 + 0.5 * 2.0);
    assertThat(vg.grad().b().y()).isWithin(1e-12).of((-1.0 - 2.0) / 2);
  }

  @Test
  void aRecordLocalHoldsArraysByName() {
    Params p = params(new Random(3));
    double[] x = {0.4, -0.9};
    var vg = RecordsAdjoint.rebuiltValueAndGrad(p, x);
    assertThat(vg.value()).isEqualTo(Records.rebuilt(p, x));
    double h = 1e-6;
    for (int i = 0; i < 2; i++) {
      double[] up = x.clone();
      double[] down = x.clone();
      up[i] += h;
      down[i] -= h;
      double fd = (Records.rebuilt(p, up) - Records.rebuilt(p, down)) / (2 * h);
      assertThat(vg.grad().x()[i]).isWithin(1e-7).of(fd);
    }
    for (int k = 0; k < 3; k++) {
      for (int j = 0; j < 4; j++) {
        double w = p.w2()[k][j];
        p.w2()[k][j] = w + h;
        double upValue = Records.rebuilt(p, x);
        p.w2()[k][j] = w - h;
        double downValue = Records.rebuilt(p, x);
        p.w2()[k][j] = w;
        assertThat(vg.grad().p().w2()[k][j]).isWithin(1e-7).of((upValue - downValue) / (2 * h));
      }
    }
    for (int j = 0; j < 4; j++) {
      double b = p.b1()[j];
      p.b1()[j] = b + h;
      double upValue = Records.rebuilt(p, x);
      p.b1()[j] = b - h;
      double downValue = Records.rebuilt(p, x);
      p.b1()[j] = b;
      assertThat(vg.grad().p().b1()[j]).isWithin(1e-7).of((upValue - downValue) / (2 * h));
    }
  }

  @Test
  void dataRecordsAreReadByTheirArrayComponents() {
    Data d = new Data(new double[] {1.0, 2.0, -1.0}, new double[] {0.5, 3.0, 0.0});
    Order o = new Order(2, new int[] {1, 2, 0});
    double a = 1.25;
    // (a*2 - 3)^2 + (a*(-1) - 0)^2
    double expected = 2 * (2 * a - 3.0) * 2 + 2 * (-a) * -1;
    assertThat(RecordsAdjoint.fitGrad(a, d, o).a()).isWithin(1e-12).of(expected);
    var vjp = RecordsAdjoint.fitVjp(a, d, o);
    d.xs()[1] = 100.0;
    assertThat(vjp.pullback(1.0).a()).isWithin(1e-12).of(expected);
  }

  @Test
  void aRecordWithAnArrayResultHasAJacobianOverItsLeaves() {
    Layer l = new Layer(new double[][] {{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}},
        new double[] {0.5, 0.25, 0.125});
    double[] x = {0.3, -0.7};
    double[][] j = RecordsAdjoint.affineJacobian(l, x);
    // Columns: w row-major (6), b (3), x (2).
    assertThat(j.length).isEqualTo(3);
    assertThat(j[0].length).isEqualTo(11);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 11; c++) {
        double expected;
        if (c < 6) {
          expected = c / 2 == r ? x[c % 2] : 0.0;
        } else if (c < 9) {
          expected = c - 6 == r ? 1.0 : 0.0;
        } else {
          expected = l.w()[r][c - 9];
        }
        assertThat(j[r][c]).isWithin(1e-15).of(expected);
      }
    }
    var vjp = RecordsAdjoint.affineVjp(l, x);
    assertThat(vjp.value()).isEqualTo(Records.affine(l, x));
    var g = vjp.pullback(new double[] {1.0, 0.0, -1.0});
    assertThat(g.l().b()).usingTolerance(0).containsExactly(1.0, 0.0, -1.0).inOrder();
    assertThat(g.l().w()[2]).usingTolerance(0).containsExactly(-0.3, 0.7).inOrder();
    assertThat(g.x()).usingTolerance(1e-15).containsExactly(1.0 - 5.0, 2.0 - 6.0).inOrder();
    var jvp = RecordsAdjoint.affineJvp(l, x, null, new double[] {1.0, 0.0});
    assertThat(jvp.tangent()).usingTolerance(0).containsExactly(1.0, 3.0, 5.0).inOrder();
  }

  @Test
  void aParameterNamedLikeALeafKeepsItsName() {
    var g = RecordsAdjoint.leafNamesGrad(new Point(2.0, 5.0), 3.0);
    assertThat(g.p()).isEqualTo(new Point(3.0, 1.0));
    assertThat(g.p_x()).isEqualTo(2.0);
  }

  @Test
  void anInstanceMethodTakesARecord() {
    var spring = new Records.Spring(4.0);
    var g = Records_SpringAdjoint.energyGrad(spring, new Point(1.0, -2.0));
    assertThat(g.p()).isEqualTo(new Point(4.0, -8.0));
  }

  @Test
  void recordsCrossDifferentiableAndNoDiffParameters() {
    // constantRecord = |c - c|^2 + c.x a + a: d/da = c.x + 1
    assertThat(RecordsAdjoint.constantRecordGrad(2.0, new Point(3.0, 4.0)).a()).isEqualTo(4.0);
    // intoNoDiff = a p.x + p.y a: d/dp = (0, a) (no gradient through scaledX's @NoDiff q)
    var g = RecordsAdjoint.intoNoDiffGrad(new Point(3.0, 4.0), 2.0);
    assertThat(g.p()).isEqualTo(new Point(0.0, 2.0));
    assertThat(g.a()).isEqualTo(3.0 + 4.0);
    assertThat(RecordsAdjoint.callsAnnotatedGrad(new Point(3.0, 4.0)).p())
        .isEqualTo(new Point(8.0, 6.0));
    Data d = new Data(new double[] {1.0, 2.0, 4.0}, new double[3]);
    var n = new Records.Nested(d, new int[] {2, 2, 0});
    assertThat(RecordsAdjoint.nestedDataGrad(0.5, n).a()).isEqualTo(9.0);
    var spring = new Records.Spring(2.0);
    assertThat(Records_SpringAdjoint.stretchedGrad(spring, new Point(1.5, 0.75)).p())
        .isEqualTo(new Point(2.0 * 1.0, 2.0 * 1.0));
  }

  @Test
  void aNullNestedRecordInATangentIsZeros() {
    Layer first = new Layer(new double[][] {{0.5, -1.0, 2.0}}, new double[] {0.1, 0.2, 0.3});
    Layer second = new Layer(new double[][] {{1.5}}, new double[] {-2.0});
    Model m = new Model(first, 3.0, "net", new int[] {0, 1}, second);
    Model onlyScale = new Model(null, 1.0, null, null, null);
    double s = (0.5 * 0.7 + 0.1) + (-1.0 * 0.7 + 0.2);
    assertThat(RecordsAdjoint.nestedJvp(m, 0.7, onlyScale, 0.0).tangent())
        .isWithin(1e-12).of(s);
  }

  @Test
  void aWorkspaceAccessorIsNullBeforeTheFirstCall() {
    var w = RecordsAdjoint.distance2Workspace();
    assertThat(w.a()).isNull();
    assertThrows(NullPointerException.class,
        () -> RecordsAdjoint.distance2Grad(null, new Point(0, 0), 1.0));
  }

  private static double[] times(double k, double[] v) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= k;
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
