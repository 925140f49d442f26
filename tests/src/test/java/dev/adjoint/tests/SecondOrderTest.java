package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.GradCheck;
import dev.adjoint.runtime.TwiceDifferentiableFunction;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The second-order members of {@code order = 2} methods ({@link SecondOrder}): Hessians against
 * closed forms, Hessian-vector products against central differences of the generated gradient at
 * 100 seeded points per method, exact symmetry, and the value and gradient that {@code mHvp} and
 * {@code mHvpAt} report, which must be {@code mValueAndGrad}'s bit for bit.
 */
final class SecondOrderTest {

  // ---------------------------------------------------------------- closed forms

  @Test
  void rosenbrockHessianIsTheClosedForm() {
    Random random = new Random(12);
    for (int n : new int[] {2, 5, 10}) {
      double[] x = uniform(random, n, -2, 2);
      double[][] h = SecondOrderAdjoint.rosenbrockHessian(x);
      double[][] expected = new double[n][n];
      for (int i = 0; i + 1 < n; i++) {
        expected[i][i] += 2 + 1200 * x[i] * x[i] - 400 * x[i + 1];
        expected[i + 1][i + 1] += 200;
        expected[i][i + 1] = -400 * x[i];
        expected[i + 1][i] = -400 * x[i];
      }
      assertClose("rosenbrock n = " + n, h, expected, 1e-12);
    }
  }

  @Test
  void quadraticFormHessianIsAPlusATransposed() {
    Random random = new Random(13);
    int n = 6;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = uniform(random, n, -3, 3); // not symmetric
    }
    double[] x = uniform(random, n, -1, 1);
    double[][] expected = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        expected[i][j] = a[i][j] + a[j][i];
      }
    }
    assertClose("xᵀAx", SecondOrderAdjoint.quadraticHessian(x, a), expected, 1e-13);
    // An HVP is (A + Aᵀ) v.
    double[] v = uniform(random, n, -1, 1);
    double[] hv = SecondOrderAdjoint.quadraticHvp(x, a, v).hvp().x();
    for (int i = 0; i < n; i++) {
      double e = 0;
      for (int j = 0; j < n; j++) {
        e += expected[i][j] * v[j];
      }
      assertThat(hv[i]).isWithin(1e-12 * (1 + Math.abs(e))).of(e);
    }
  }

  @Test
  void softplusSecondDerivativeIsSigmoidTimesOneMinusIt() {
    for (double x = -8; x <= 8; x += 0.25) {
      double sigma = 1 / (1 + Math.exp(-x));
      double expected = sigma * (1 - sigma);
      assertThat(SecondOrderAdjoint.softplusHessian(x)[0][0])
          .isWithin(1e-13).of(expected);
      assertThat(SecondOrderAdjoint.softplusHvp(x, 2.0).hvp().x())
          .isWithin(2e-13).of(2 * expected);
    }
  }

  @Test
  void twoScalarsHessianIsTheClosedForm() {
    Random random = new Random(14);
    for (int k = 0; k < 20; k++) {
      double x = uniform(random, 1, -1.5, 1.5)[0];
      double y = uniform(random, 1, -1.5, 1.5)[0];
      double e = Math.exp(x * y);
      double[][] expected = {
        {y * y * e, Math.cos(y) + e * (1 + x * y)},
        {Math.cos(y) + e * (1 + x * y), -x * Math.sin(y) + x * x * e},
      };
      assertClose("x sin y + e^xy", SecondOrderAdjoint.scalarsHessian(x, y), expected, 1e-13);
    }
  }

  /**
   * Parameters assigned in the body: their directions are assigned too, and those assignments are
   * part of the HVP (only the JVP's null-to-zeros prologue is the caller's). Was [[0, 4], [4, 4]]
   * at (1, 2) for reassigned, whose Hessian is [[0, 0], [0, 12]].
   */
  @Test
  void assignedParametersHaveTheClosedFormHessian() {
    for (double x1 : new double[] {-1.5, 0.5, 2.0}) {
      double[][] expected = {{0, 0}, {0, 6 * x1}};
      assertClose("x0 = x1; x0²x1", SecondOrderAdjoint.reassignedHessian(0.7, x1), expected,
          1e-14);
    }
    // overwritten: compare each HVP with central differences of the generated gradient.
    Random random = new Random(15);
    for (int k = 0; k < 20; k++) {
      double[] a = uniform(random, 2, -1, 1);
      double y = uniform(random, 1, -1, 1)[0];
      double[] va = uniform(random, 2, -1, 1);
      double vy = uniform(random, 1, -1, 1)[0];
      SecondOrderAdjoint.OverwrittenHvp hvp = SecondOrderAdjoint.overwrittenHvp(a, y, va, vy);
      double h = 1e-5;
      SecondOrderAdjoint.OverwrittenGrad plus = SecondOrderAdjoint.overwrittenGrad(
          new double[] {a[0] + h * va[0], a[1] + h * va[1]}, y + h * vy);
      SecondOrderAdjoint.OverwrittenGrad minus = SecondOrderAdjoint.overwrittenGrad(
          new double[] {a[0] - h * va[0], a[1] - h * va[1]}, y - h * vy);
      for (int i = 0; i < 2; i++) {
        double fd = (plus.a()[i] - minus.a()[i]) / (2 * h);
        assertWithMessage("a[%s] at k = %s", i, k).that(hvp.hvp().a()[i])
            .isWithin(1e-6 * (1 + Math.abs(fd))).of(fd);
      }
      double fd = (plus.y() - minus.y()) / (2 * h);
      assertWithMessage("y at k = %s", k).that(hvp.hvp().y())
          .isWithin(1e-6 * (1 + Math.abs(fd))).of(fd);
    }
  }

  /**
   * At x = 0 every tangent of x² is 0 while its derivative is not: the second derivatives through
   * log, a quotient, sqrt, pow and atan2 are still there (forward mode's zero-tangent guards are
   * not differentiated through).
   */
  @Test
  void tangentsThatVanishAtAPointStillHaveDerivatives() {
    for (double y : new double[] {0.5, 2.0, 3.0}) {
      double[][] expected = {{2 + 2 / y + 1 + 3 + 2 / y, 0}, {0, 0}};
      assertClose("vanishing at (0, " + y + ")", SecondOrderAdjoint.vanishingHessian(0, y),
          expected, 1e-13);
    }
  }

  // ---------------------------------------------------------------- against differences

  /** One method seen flat: its gradient, and its HVP along a flat direction, at a flat point. */
  private record Subject(
      String name,
      int dimension,
      Function<double[], double[]> grad,
      BiFunction<double[], double[], double[]> hvp,
      Function<Random, double[]> point) {}

  private static final int ROUNDS = 3;
  private static final double SCALE = 1.7;

  private static double[][] square(double[] flat) {
    return new double[][] {
      {flat[0], flat[1], flat[2]}, {flat[3], flat[4], flat[5]}, {flat[6], flat[7], flat[8]}
    };
  }

  private static double[] flat(double[][] m) {
    double[] out = new double[9];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(m[i], 0, out, 3 * i, 3);
    }
    return out;
  }

  private static double[] tail(double[] p) {
    return java.util.Arrays.copyOf(p, p.length - 1);
  }

  private static final int CALL_TRIPS = 4;

  /** The last three coordinates of four. */
  private static double[] tail4(double[] p) {
    return new double[] {p[1], p[2], p[3]};
  }

  private static final double[][] A = {
    {1, 2, -1, 0.5}, {0, 3, 1, -2}, {4, -1, 2, 1}, {0.5, 0, -3, 1},
  };

  private static final Subject[] SUBJECTS = {
    new Subject("rosenbrock", 7,
        p -> SecondOrderAdjoint.rosenbrockGrad(p).x(),
        (p, v) -> SecondOrderAdjoint.rosenbrockHvp(p, v).hvp().x(),
        r -> uniform(r, 7, -2, 2)),
    new Subject("quadratic", 4,
        p -> SecondOrderAdjoint.quadraticGrad(p, A).x(),
        (p, v) -> SecondOrderAdjoint.quadraticHvp(p, A, v).hvp().x(),
        r -> uniform(r, 4, -2, 2)),
    new Subject("softplus", 1,
        p -> new double[] {SecondOrderAdjoint.softplusGrad(p[0]).x()},
        (p, v) -> new double[] {SecondOrderAdjoint.softplusHvp(p[0], v[0]).hvp().x()},
        r -> uniform(r, 1, -6, 6)),
    new Subject("branchy", 6,
        p -> {
          var g = SecondOrderAdjoint.branchyGrad(tail(p), p[5], ROUNDS, SCALE);
          double[] out = java.util.Arrays.copyOf(g.x(), 6);
          out[5] = g.y();
          return out;
        },
        (p, v) -> {
          var h = SecondOrderAdjoint.branchyHvp(tail(p), p[5], ROUNDS, SCALE, tail(v), v[5]);
          double[] out = java.util.Arrays.copyOf(h.hvp().x(), 6);
          out[5] = h.hvp().y();
          return out;
        },
        r -> {
          double[] p = uniform(r, 6, 0.2, 1.5);
          for (int i = 0; i < 5; i++) {
            p[i] *= r.nextBoolean() ? 1 : -1; // both branches, away from the kink at 0
          }
          return p;
        }),
    new Subject("matrix", 9,
        p -> flat(SecondOrderAdjoint.matrixGrad(square(p)).m()),
        (p, v) -> flat(SecondOrderAdjoint.matrixHvp(square(p), square(v)).hvp().m()),
        r -> uniform(r, 9, -1, 1)),
    new Subject("vanishing", 2,
        p -> {
          var g = SecondOrderAdjoint.vanishingGrad(p[0], p[1]);
          return new double[] {g.x(), g.y()};
        },
        (p, v) -> {
          var h = SecondOrderAdjoint.vanishingHvp(p[0], p[1], v[0], v[1]).hvp();
          return new double[] {h.x(), h.y()};
        },
        r -> new double[] {uniform(r, 1, -1.5, 1.5)[0], uniform(r, 1, 0.5, 2)[0]}),
    new Subject("jumps", 6,
        p -> {
          var g = SecondOrderAdjoint.jumpsGrad(tail(p), p[5]);
          double[] out = java.util.Arrays.copyOf(g.x(), 6);
          out[5] = g.y();
          return out;
        },
        (p, v) -> {
          var h = SecondOrderAdjoint.jumpsHvp(tail(p), p[5], tail(v), v[5]).hvp();
          double[] out = java.util.Arrays.copyOf(h.x(), 6);
          out[5] = h.y();
          return out;
        },
        r -> {
          double[] p = uniform(r, 6, -2, 2);
          p[5] = uniform(r, 1, 0.2, 2)[0];
          return p;
        }),
    new Subject("calls", 4,
        p -> {
          var g = SecondOrderAdjoint.callsGrad(p[0], tail4(p), CALL_TRIPS);
          return new double[] {g.x(), g.v()[0], g.v()[1], g.v()[2]};
        },
        (p, v) -> {
          var h = SecondOrderAdjoint.callsHvp(p[0], tail4(p), CALL_TRIPS, v[0], tail4(v)).hvp();
          return new double[] {h.x(), h.v()[0], h.v()[1], h.v()[2]};
        },
        r -> uniform(r, 4, -1.5, 1.5)),
    new Subject("scalars", 2,
        p -> {
          var g = SecondOrderAdjoint.scalarsGrad(p[0], p[1]);
          return new double[] {g.x(), g.y()};
        },
        (p, v) -> {
          var h = SecondOrderAdjoint.scalarsHvp(p[0], p[1], v[0], v[1]).hvp();
          return new double[] {h.x(), h.y()};
        },
        r -> uniform(r, 2, -1.5, 1.5)),
  };

  @Test
  void hvpsAgreeWithCentralDifferencesOfTheGradient() {
    for (Subject s : SUBJECTS) {
      Random random = new Random(s.name().hashCode());
      for (int k = 0; k < 100; k++) {
        double[] p = s.point().apply(random);
        double[] v = uniform(random, s.dimension(), -1, 1);
        double[] hv = s.hvp().apply(p, v);
        double h = 1e-5;
        double[] plus = s.grad().apply(axpy(p, h, v));
        double[] minus = s.grad().apply(axpy(p, -h, v));
        double norm = 1;
        for (double e : hv) {
          norm = Math.max(norm, Math.abs(e));
        }
        for (int i = 0; i < hv.length; i++) {
          double fd = (plus[i] - minus[i]) / (2 * h);
          assertWithMessage("%s at point %s, component %s", s.name(), k, i)
              .that(hv[i]).isWithin(1e-6 * norm).of(fd);
        }
      }
    }
  }

  /** A deliberately wrong HVP (a factor 1 + 1e-5) fails the same check: the test can fail. */
  @Test
  void theDifferenceCheckNoticesASmallError() {
    Subject s = SUBJECTS[0];
    Random random = new Random(1);
    double[] p = s.point().apply(random);
    double[] v = uniform(random, s.dimension(), -1, 1);
    double[] hv = s.hvp().apply(p, v);
    double[] plus = s.grad().apply(axpy(p, 1e-5, v));
    double[] minus = s.grad().apply(axpy(p, -1e-5, v));
    double worst = 0;
    double norm = 1;
    for (int i = 0; i < hv.length; i++) {
      norm = Math.max(norm, Math.abs(hv[i]));
      worst = Math.max(worst, Math.abs(hv[i] * (1 + 1e-5) - (plus[i] - minus[i]) / 2e-5));
    }
    assertThat(worst).isGreaterThan(1e-6 * norm);
  }

  // ---------------------------------------------------------------- exactness of the rest

  @Test
  void hessiansAreExactlySymmetricAndTheirColumnsAreHvps() {
    for (Subject s : SUBJECTS) {
      Random random = new Random(s.name().hashCode() + 1);
      double[] p = s.point().apply(random);
      double[][] h = hessian(s.name(), p);
      int n = s.dimension();
      assertThat(h.length).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        assertThat(h[i].length).isEqualTo(n);
        double[] e = new double[n];
        e[i] = 1;
        double[] column = s.hvp().apply(p, e);
        for (int j = 0; j < n; j++) {
          assertWithMessage("%s (%s, %s)", s.name(), i, j).that(h[i][j]).isEqualTo(h[j][i]);
          assertWithMessage("%s (%s, %s)", s.name(), j, i)
              .that(h[j][i]).isWithin(1e-12 * (1 + Math.abs(column[j]))).of(column[j]);
        }
      }
    }
  }

  private static double[][] hessian(String name, double[] p) {
    return switch (name) {
      case "rosenbrock" -> SecondOrderAdjoint.rosenbrockHessian(p);
      case "quadratic" -> SecondOrderAdjoint.quadraticHessian(p, A);
      case "softplus" -> SecondOrderAdjoint.softplusHessian(p[0]);
      case "branchy" -> SecondOrderAdjoint.branchyHessian(tail(p), p[5], ROUNDS, SCALE);
      case "matrix" -> SecondOrderAdjoint.matrixHessian(square(p));
      case "scalars" -> SecondOrderAdjoint.scalarsHessian(p[0], p[1]);
      case "vanishing" -> SecondOrderAdjoint.vanishingHessian(p[0], p[1]);
      case "jumps" -> SecondOrderAdjoint.jumpsHessian(tail(p), p[5]);
      case "calls" -> SecondOrderAdjoint.callsHessian(p[0], tail4(p), CALL_TRIPS);
      default -> throw new IllegalArgumentException(name);
    };
  }

  @Test
  void valueAndGradAreThoseOfValueAndGrad() {
    Random random = new Random(15);
    for (int k = 0; k < 20; k++) {
      double[] x = uniform(random, 6, -1, 1);
      double y = uniform(random, 1, 0.1, 2)[0];
      double[] v = uniform(random, 6, -1, 1);
      var expected = SecondOrderAdjoint.branchyValueAndGrad(x, y, ROUNDS, SCALE);
      var hvp = SecondOrderAdjoint.branchyHvp(x, y, ROUNDS, SCALE, v, 0.5);
      assertThat(hvp.value()).isEqualTo(expected.value());
      assertThat(hvp.value()).isEqualTo(SecondOrder.branchy(x, y, ROUNDS, SCALE));
      assertThat(hvp.grad().x()).isEqualTo(expected.grad().x());
      assertThat(hvp.grad().y()).isEqualTo(expected.grad().y());
      var at = SecondOrderAdjoint.branchyHvpAt(x, y, ROUNDS, SCALE);
      assertThat(at.value()).isEqualTo(expected.value());
      assertThat(at.grad().x()).isEqualTo(expected.grad().x());
      assertThat(at.grad().y()).isEqualTo(expected.grad().y());
      var applied = at.apply(v, 0.5);
      assertThat(applied.x()).isEqualTo(hvp.hvp().x());
      assertThat(applied.y()).isEqualTo(hvp.hvp().y());
    }
    double[] x = {0.3, -1.2, 0.7};
    var rosenbrock = SecondOrderAdjoint.rosenbrockHvp(x, new double[] {1, 0, 0});
    assertThat(rosenbrock.value()).isEqualTo(SecondOrder.rosenbrock(x));
    assertThat(rosenbrock.grad().x()).isEqualTo(SecondOrderAdjoint.rosenbrockGrad(x).x());
  }

  /** Calls written into the body give the Hessian of the body written out by hand. */
  @Test
  void callsWrittenInAreTheBodiesWrittenOut() {
    Random random = new Random(16);
    for (int k = 0; k < 20; k++) {
      double x = uniform(random, 1, -1.5, 1.5)[0];
      double[] v = uniform(random, 3, -1, 1);
      assertClose("calls", SecondOrderAdjoint.callsHessian(x, v, CALL_TRIPS),
          SecondOrderAdjoint.callsByHandHessian(x, v, CALL_TRIPS), 1e-12);
      assertThat(SecondOrderAdjoint.callsHvp(x, v, CALL_TRIPS, 1, null).value())
          .isEqualTo(SecondOrder.calls(x, v, CALL_TRIPS));
    }
  }

  /**
   * fHvpAt copies discrete arrays too: it kept the caller's long[] and boolean[] (found by the
   * fuzzer's order = 2 twins), so flipping the mask after fHvpAt changed apply's result.
   */
  @Test
  void hvpAtCopiesDiscreteArrays() {
    double[] x = {0.3, -1.2, 0.7};
    boolean[] mask = {true, false, true};
    long[] pick = {2, 0, 1};
    double[] v = {0.5, -0.25, 1.0};
    double[] expected = SecondOrderAdjoint.maskedHvp(x, mask, pick, v).hvp().x();
    var at = SecondOrderAdjoint.maskedHvpAt(x, mask, pick);
    mask[0] = false;
    mask[1] = true;
    pick[0] = 0;
    assertThat(at.apply(v).x()).isEqualTo(expected);
    // and the product is the Hessian's: H[i][j] of Σ m_i x_p(i)² x_i + (1 - m_i) sin(x_p(i)) x_i
    double[][] h = SecondOrderAdjoint.maskedHessian(x, new boolean[] {true, false, true},
        new long[] {2, 0, 1});
    for (int i = 0; i < 3; i++) {
      double hv = 0;
      for (int j = 0; j < 3; j++) {
        hv += h[i][j] * v[j];
      }
      assertThat(expected[i]).isWithin(1e-14).of(hv);
    }
    // term 0: x2² x0 → ∂²/∂x0∂x2 = 2 x2, ∂²/∂x2² = 2 x0
    // term 1: sin(x0) x1 → ∂²/∂x0² = -sin(x0) x1, ∂²/∂x0∂x1 = cos(x0)
    // term 2: x1² x2 → ∂²/∂x1² = 2 x2, ∂²/∂x1∂x2 = 2 x1
    double[][] closed = {
      {-Math.sin(x[0]) * x[1], Math.cos(x[0]), 2 * x[2]},
      {Math.cos(x[0]), 2 * x[2], 2 * x[1]},
      {2 * x[2], 2 * x[1], 2 * x[0]},
    };
    assertClose("masked", h, closed, 1e-14);
  }

  /**
   * A method that sorts its int[] argument: mHvp, mHvpAt (twice) and mHessian all at the
   * arguments as given (x₂² x₀ for ix = {2, 0, 1}); mHvp still sorts the caller's array, as the
   * method does.
   */
  @Test
  void secondOrderMembersSeeArgumentsAsGivenWhenTheBodySortsThem() {
    double[] x = {0.5, -1.0, 1.5};
    double[] v = {1.0, 0.0, 1.0};
    // H of x₂² x₀: [[0, 0, 2 x₂], [0, 0, 0], [2 x₂, 0, 2 x₀]]; H v = (2 x₂, 0, 2 x₂ + 2 x₀).
    double[] expected = {2 * 1.5, 0, 2 * 1.5 + 2 * 0.5};
    int[] ix = {2, 0, 1};
    var hvp = SecondOrderAdjoint.sortsItsIndicesHvp(x, ix, v);
    assertThat(ix).asList().containsExactly(0, 1, 2).inOrder();
    for (int i = 0; i < 3; i++) {
      assertThat(hvp.hvp().x()[i]).isWithin(1e-15).of(expected[i]);
    }
    assertThat(hvp.value()).isWithin(1e-15).of(1.5 * 1.5 * 0.5);
    var at = SecondOrderAdjoint.sortsItsIndicesHvpAt(x, new int[] {2, 0, 1});
    assertThat(at.apply(v).x()).isEqualTo(hvp.hvp().x());
    assertThat(at.apply(v).x()).isEqualTo(hvp.hvp().x());
    // and a @NoDiff double[] that the body sorts: x₀² d₀ + x₁ d'₀ with d = {3, 1}: H₀₀ = 2 d₀ = 6
    double[] d = {3.0, 1.0};
    var data = SecondOrderAdjoint.sortsItsDataHvp(new double[] {0.5, 2.0}, d,
        new double[] {1.0, 0.0});
    assertThat(data.value()).isWithin(1e-15).of(0.25 * 3.0 + 2.0 * 1.0);
    assertThat(data.hvp().x()[0]).isWithin(1e-15).of(6.0);
    assertThat(d).usingExactEquality().containsExactly(1.0, 3.0).inOrder();
    double[][] h = SecondOrderAdjoint.sortsItsIndicesHessian(x, new int[] {2, 0, 1});
    assertThat(h[0][2]).isWithin(1e-15).of(3.0);
    assertThat(h[2][2]).isWithin(1e-15).of(1.0);
    assertThat(h[0][0]).isWithin(1e-15).of(0.0);
  }

  /**
   * pow(x, y)'s Hessian at y = 0, where its x-partial y·x^(y−1) is 0 but not constant in y: the
   * mixed partial is 1/x there. (The partial's guard for x^0 covered every x and made it 0.)
   * First-order conventions unchanged: pow(x, 0)'s x-derivative is 0, also at x = 0 and NaN.
   */
  @Test
  void powersHaveTheirMixedPartialAtExponentZero() {
    for (double x : new double[] {2.0, 0.5, 7.25}) { // (x < 0: x^y is NaN off integer y)
      double[][] h = SecondOrderAdjoint.powerHessian(x, 0.0);
      double ln = Math.log(x);
      assertThat(h[0][0]).isWithin(1e-15).of(0.0);
      assertThat(h[0][1]).isWithin(1e-15).of(1 / x);
      assertThat(h[1][0]).isWithin(1e-15).of(1 / x);
      assertThat(h[1][1]).isWithin(1e-14).of(ln * ln);
      assertThat(SecondOrderAdjoint.powerHvp(x, 0.0, 1.0, 0.0).hvp().y()).isWithin(1e-15)
          .of(1 / x);
    }
    assertThat(SecondOrderAdjoint.powerGrad(0.0, 0.0).x()).isEqualTo(0.0);
    assertThat(SecondOrderAdjoint.powerGrad(Double.NaN, 0.0).x()).isEqualTo(0.0);
    assertThat(SecondOrderAdjoint.powerJvp(0.0, 0.0, 1.0, 0.0).tangent()).isEqualTo(0.0);
  }

  /**
   * fHvpAt keeps the fields its method reads as they were when it was made: the receiver's scalar
   * and array fields, static ones, another object's, and a record's array component (it read them
   * when apply ran: the fuzzer's open bug hvpAtReceiverFields). fHvp reads them when called.
   */
  @Test
  void hvpAtKeepsTheFieldsItWasMadeWith() {
    double[] x = {0.3, -1.2, 0.7};
    double[] v = {0.5, -0.25, 1.0};
    SecondOrderFields model = new SecondOrderFields(1.5, new double[] {2.0, -1.0, 0.5});
    double shift = SecondOrderFields.shift;
    double[] table = SecondOrderFields.table.clone();
    double[] expected = SecondOrderFieldsAdjoint.energyHvp(model, x, v).hvp().x();
    for (int i = 0; i < 3; i++) { // H = diag(6 s wᵢ xᵢ) + shift (e₀e₁ᵀ + e₁e₀ᵀ) + 2 t₁ e₁e₁ᵀ
      double hv = 6 * 1.5 * model.weights[i] * x[i] * v[i]
          + (i == 0 ? shift * v[1] : i == 1 ? shift * v[0] + 2 * table[1] * v[1] : 0);
      assertThat(expected[i]).isWithin(1e-14).of(hv);
    }
    var at = SecondOrderFieldsAdjoint.energyHvpAt(model, x);
    model.scale = 4.0;
    model.weights[0] = 100.0;
    SecondOrderFields.shift = 3.0;
    SecondOrderFields.table[1] = -7.0;
    try {
      assertThat(at.apply(v).x()).isEqualTo(expected);
      // fHvp reads the fields as they are now.
      double[] now = SecondOrderFieldsAdjoint.energyHvp(model, x, v).hvp().x();
      assertThat(now[0]).isWithin(1e-12).of(6 * 4.0 * 100.0 * x[0] * v[0] + 3.0 * v[1]);
    } finally {
      SecondOrderFields.shift = shift;
      SecondOrderFields.table[1] = table[1];
    }

    // a field of an object field, read in a statement that calls another class
    var through = SecondOrderFieldsAdjoint.throughObjectHvpAt(model, 0.7);
    model.cfg.k = 5.0;
    assertThat(through.apply(1.0).x()).isWithin(1e-15).of(-Math.sin(0.7));

    SecondOrderFields other = new SecondOrderFields(2.0, new double[0]);
    SecondOrderFields.Data data = new SecondOrderFields.Data(new double[] {3.0});
    var coupled = SecondOrderFieldsAdjoint.coupledHvpAt(0.4, -0.6, other, data);
    double[] h = {2 * 2.0 * -0.6 * 1.0 + 2 * 2.0 * 0.4 * 2.0,
        2 * 2.0 * 0.4 * 1.0 + 2 * 3.0 * 2.0};
    other.scale = -5.0;
    data.c()[0] = 11.0;
    var product = coupled.apply(1.0, 2.0);
    assertThat(product.x()).isWithin(1e-14).of(h[0]);
    assertThat(product.y()).isWithin(1e-14).of(h[1]);
  }

  /**
   * mHvpAt keeps what the method reads through calls as it was when it was made: a plain method's
   * result, what a plain method wrote into an argument array (a field read by each), a field
   * read through a local that a plain call returned, and a callee given a row,
   * which the sweep goes through by its generated products (the fuzzer's hvpAtCalleeFields),
   * whose field changes too. mHvp reads them as they are now.
   */
  @Test
  void hvpAtKeepsWhatCallsReadWhenItWasMade() {
    SecondOrderFields model = new SecondOrderFields(1.5, new double[] {2.0, -1.0});
    double x = 0.8;
    double[] y = {0.3, -0.6};
    double v = 0.5;
    double[] vy = {1.0, -2.0};
    var plain = SecondOrderFieldsAdjoint.throughPlainCallsHvpAt(model, x, y, new int[2]);
    model.scale = 4.0;
    model.permutation = new int[] {1, 0};
    var product = plain.apply(v, vy); // diag(6 scale x, 2, 4) with the old fields
    assertThat(product.x()).isWithin(1e-14).of(6 * 1.5 * x * v);
    assertThat(product.y()[0]).isWithin(1e-14).of(2 * vy[0]);
    assertThat(product.y()[1]).isWithin(1e-14).of(4 * vy[1]);
    // mHvp reads them as they are now: pick = (1, 0) gives diag(6 · 4 x, 4, 2).
    var now = SecondOrderFieldsAdjoint.throughPlainCallsHvp(model, x, y, new int[2], v, vy).hvp();
    assertThat(now.x()).isWithin(1e-14).of(6 * 4.0 * x * v);
    assertThat(now.y()[0]).isWithin(1e-14).of(4 * vy[0]);
    assertThat(now.y()[1]).isWithin(1e-14).of(2 * vy[1]);

    // A field read through a local that a plain call returned (Steps st = steps(); st.count).
    var local = SecondOrderFieldsAdjoint.throughLocalObjectHvpAt(model, x);
    model.steps.count = 10;
    assertThat(local.apply(v).x()).isWithin(1e-14).of(2 * 3 * v);
    assertThat(SecondOrderFieldsAdjoint.throughLocalObjectHvp(model, x, v).hvp().x())
        .isWithin(1e-13).of(2 * 10 * v);

    double[][] m = {{0.5, 1.5}, {-1.0, 0.25}};
    double[][] w = {{1.0, 0.5}, {-0.5, 2.0}};
    double k = model.cfg.k;
    var rows = SecondOrderFieldsAdjoint.rowsSquaredHvpAt(model, m);
    model.cfg.k = 3.0;
    double[][] hv = rows.apply(w).m();
    for (int i = 0; i < 2; i++) {
      // e = k r₀² r₁: ∇e = (2k r₀ r₁, k r₀²), ∇²e = [[2k r₁, 2k r₀], [2k r₀, 0]];
      // H of e² = 2 ∇e ∇eᵀ + 2 e ∇²e.
      double r0 = m[i][0];
      double r1 = m[i][1];
      double e = k * r0 * r0 * r1;
      double[] ge = {2 * k * r0 * r1, k * r0 * r0};
      double gw = ge[0] * w[i][0] + ge[1] * w[i][1];
      double[] he = {2 * k * r1 * w[i][0] + 2 * k * r0 * w[i][1], 2 * k * r0 * w[i][0]};
      for (int j = 0; j < 2; j++) {
        assertThat(hv[i][j]).isWithin(1e-13).of(2 * ge[j] * gw + 2 * e * he[j]);
      }
    }
    // mHvp reads the field as it is now: k = 3 gives another product.
    double[][] current = SecondOrderFieldsAdjoint.rowsSquaredHvp(model, m, w).hvp().m();
    assertThat(current[0][0]).isNotWithin(1e-6).of(hv[0][0]);
    // Many applies replay one record: the second equals the first.
    assertThat(rows.apply(w).m()).isEqualTo(hv);
  }

  /**
   * Red team of stop 31: a field chain read only under a guard (null otherwise) did not throw in
   * the method but threw in every second-order member, which read it where the sweep begins;
   * plain calls in a loop's and an if's condition were called again by every apply; one array
   * passed as two parameters was copied apart. And the fuzzer's (soak run seed 31902): a call
   * replayed inside a costly value that is replayed too put the record out of step.
   */
  @Test
  void secondOrderMembersOfGuardsConditionsAndOneArrayPassedTwice() {
    SecondOrderFields model = new SecondOrderFields(1.0, new double[0]);
    assertThat(SecondOrderFieldsAdjoint.guardedChainHvp(model, 1.5, 1.0).hvp().x()).isEqualTo(2.0);
    assertThat(SecondOrderFieldsAdjoint.guardedChainHessian(model, 1.5)[0][0]).isEqualTo(2.0);
    assertThat(SecondOrderFieldsAdjoint.guardedChainHvpAt(model, 1.5).apply(0.5).x())
        .isEqualTo(1.0);

    var at = SecondOrderFieldsAdjoint.callsInConditionsHvpAt(model, 0.7);
    model.trips = 3;
    model.doubled = true;
    assertThat(at.apply(1.0).x()).isWithin(1e-14).of(4.0); // 2 trips, not doubled
    assertThat(SecondOrderFieldsAdjoint.callsInConditionsHvp(model, 0.7, 1.0).hvp().x())
        .isWithin(1e-14).of(12.0); // as they are now

    double h = 0;
    for (int i = 0; i < 4; i++) {
      h += 2 * Math.log(2 + i);
    }
    var costly = SecondOrderFieldsAdjoint.costlyAroundACallHvpAt(0.7, 4);
    assertThat(costly.apply(1.0).x()).isWithin(1e-13).of(h);
    assertThat(costly.apply(0.5).x()).isWithin(1e-13).of(h / 2);

    int[] a = {1};
    assertThat(SecondOrderFieldsAdjoint.oneArrayTwiceHvp(1.5, a, a, 1.0).hvp().x())
        .isWithin(1e-14).of(10.0);
    a[0] = 1;
    assertThat(SecondOrderFieldsAdjoint.oneArrayTwiceHvpAt(1.5, a, a).apply(1.0).x())
        .isWithin(1e-14).of(10.0);
    a[0] = 1;
    assertThat(SecondOrderFieldsAdjoint.oneArrayTwiceHessian(1.5, a, a)[0][0])
        .isWithin(1e-14).of(10.0);
  }

  /**
   * mFunction of an order = 2 method is a TwiceDifferentiableFunction whose hessianVectorProduct
   * is mHvp's product, bit for bit, in each form (scalars, one array, examples of mixed shapes),
   * and passes GradCheck's HVP check (differences of its own gradient).
   */
  @Test
  void functionsOfOrderTwoMethodsHaveHessianVectorProducts() {
    double[] x = {0.3, -1.2, 0.7, 2.0};
    double[] v = {0.1, 0.2, -0.3, 0.4};
    TwiceDifferentiableFunction rosenbrock = SecondOrderAdjoint.rosenbrockFunction(4);
    double[] product = new double[4];
    rosenbrock.hessianVectorProduct(x.clone(), v.clone(), product);
    assertThat(product).isEqualTo(SecondOrderAdjoint.rosenbrockHvp(x, v).hvp().x());
    // its example form
    TwiceDifferentiableFunction byExample = SecondOrderAdjoint.rosenbrockFunction(new double[4]);
    java.util.Arrays.fill(product, Double.NaN);
    byExample.hessianVectorProduct(x.clone(), v.clone(), product);
    assertThat(product).isEqualTo(SecondOrderAdjoint.rosenbrockHvp(x, v).hvp().x());
    GradCheck.defaults().assertHvp(rosenbrock, x);

    TwiceDifferentiableFunction scalars = SecondOrderAdjoint.scalarsFunction();
    double[] two = new double[2];
    scalars.hessianVectorProduct(new double[] {0.4, -0.9}, new double[] {1.5, -0.5}, two);
    SecondOrderAdjoint.ScalarsGrad expected =
        SecondOrderAdjoint.scalarsHvp(0.4, -0.9, 1.5, -0.5).hvp();
    assertThat(two).isEqualTo(new double[] {expected.x(), expected.y()});
    GradCheck.defaults().assertHvp(scalars, 0.4, -0.9);

    // mixed shapes: x (an array), y (a scalar), rounds and scale bound
    double[] point = {0.4, -0.3, 0.8, 0.6};
    double[] direction = {0.5, 0.25, -1.0, 2.0};
    TwiceDifferentiableFunction branchy =
        SecondOrderAdjoint.branchyFunction(new double[3], 2, 1.5);
    double[] mixed = new double[4];
    branchy.hessianVectorProduct(point, direction, mixed);
    SecondOrderAdjoint.BranchyGrad hv = SecondOrderAdjoint.branchyHvp(
        new double[] {0.4, -0.3, 0.8}, 0.6, 2, 1.5, new double[] {0.5, 0.25, -1.0}, 2.0).hvp();
    assertThat(mixed).isEqualTo(new double[] {hv.x()[0], hv.x()[1], hv.x()[2], hv.y()});
    GradCheck.defaults().assertHvp(branchy, point);
    // a direction of the wrong length is the caller's error, said at once
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> branchy.hessianVectorProduct(point, new double[3], new double[4]));
    assertThat(e).hasMessageThat().contains("4");
  }

  @Test
  void hvpAtIsThePointItWasMadeAt() {
    double[] x = {0.3, -1.2, 0.7, 2.0};
    double[] v = {0.1, 0.2, -0.3, 0.4};
    var at = SecondOrderAdjoint.rosenbrockHvpAt(x);
    double[] before = at.apply(v).x();
    double[] grad = at.grad().x();
    x[0] = 5; // later writes to the caller's array change nothing
    grad[1] = 7; // nor do writes to a gradient it gave out
    assertThat(at.apply(v).x()).isEqualTo(before);
    assertThat(at.grad().x()[1]).isNotEqualTo(7.0);
    assertThat(at.value()).isEqualTo(SecondOrder.rosenbrock(new double[] {0.3, -1.2, 0.7, 2.0}));
  }

  @Test
  void nullArrayDirectionsAreZeros() {
    double[] x = {0.3, -0.8, 0.5, 1.1, -0.2};
    var withNull = SecondOrderAdjoint.branchyHvp(x, 0.7, ROUNDS, SCALE, null, 1.0);
    var withZeros = SecondOrderAdjoint.branchyHvp(x, 0.7, ROUNDS, SCALE, new double[5], 1.0);
    assertThat(withNull.hvp().x()).isEqualTo(withZeros.hvp().x());
    assertThat(withNull.hvp().y()).isEqualTo(withZeros.hvp().y());
    assertThat(SecondOrderAdjoint.rosenbrockHvp(x, null).hvp().x()).isEqualTo(new double[5]);
  }

  // ---------------------------------------------------------------- helpers

  private static double[] uniform(Random random, int n, double low, double high) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = low + (high - low) * random.nextDouble();
    }
    return out;
  }

  private static double[] axpy(double[] x, double a, double[] v) {
    double[] out = x.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += a * v[i];
    }
    return out;
  }

  private static void assertClose(String what, double[][] actual, double[][] expected,
      double relative) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected.length; j++) {
        assertWithMessage("%s (%s, %s)", what, i, j).that(actual[i][j])
            .isWithin(relative * (1 + Math.abs(expected[i][j]))).of(expected[i][j]);
      }
    }
  }

  @Test
  void secondOrderMembersThrowWhereTheMethodThrows() {
    double[] x = {0.7, -1.3, 0.4};
    assertThat(SecondOrderAdjoint.unusedReadsHessian(x, new int[] {0, 1, 2})[1][1]).isEqualTo(2.0);
    int[] bad = {0, 1, 7};
    assertThrows(ArrayIndexOutOfBoundsException.class, () -> SecondOrder.unusedReads(x, bad));
    assertThrows(ArrayIndexOutOfBoundsException.class,
        () -> SecondOrderAdjoint.unusedReadsHessian(x, bad));
    assertThrows(ArrayIndexOutOfBoundsException.class,
        () -> SecondOrderAdjoint.unusedReadsHvp(x, bad, new double[] {1, 0, 0}));
    assertThrows(ArrayIndexOutOfBoundsException.class,
        () -> SecondOrderAdjoint.unusedReadsFunction(x, bad).hessianVectorProduct(
            x, new double[] {1, 0, 0}, new double[3]));
  }
}
