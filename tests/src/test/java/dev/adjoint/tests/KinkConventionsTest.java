package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The documented derivatives at kinks and singular points, asserted exactly:
 *
 * <ul>
 *   <li>abs'(0) = 0;
 *   <li>min and max ties split the cotangent half and half;
 *   <li>pow(x, 0) has x-derivative 0 and pow(0, y) has y-derivative 0;
 *   <li>hypot has gradient 0 at the origin;
 *   <li>sqrt'(0) is +Infinity, and the other singular points give what IEEE arithmetic gives for
 *       the derivative formula (log'(0), cbrt'(0), asin'(1), acos'(1), atan2 at the origin).
 * </ul>
 */
final class KinkConventionsTest {

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.0})
  void absHasZeroDerivativeAtZero(double zero) {
    assertThat(PiecewiseFunctionsAdjoint.absOfGrad(zero).x()).isZero();
    assertThat(PiecewiseFunctionsAdjoint.absOfVjp(zero).pullback(5.0).x()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {-3.5, 0.0, 2.0, 1e300, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void maxTieSplitsTheCotangent(double t) {
    PiecewiseFunctionsAdjoint.MaxOfGrad g = PiecewiseFunctionsAdjoint.maxOfGrad(t, t);
    assertThat(g.x()).isEqualTo(0.5);
    assertThat(g.y()).isEqualTo(0.5);
    PiecewiseFunctionsAdjoint.MaxOfGrad pulled =
        PiecewiseFunctionsAdjoint.maxOfVjp(t, t).pullback(-6.0);
    assertThat(pulled.x()).isEqualTo(-3.0);
    assertThat(pulled.y()).isEqualTo(-3.0);
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {-3.5, 0.0, 2.0, 1e300, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void minTieSplitsTheCotangent(double t) {
    PiecewiseFunctionsAdjoint.MinOfGrad g = PiecewiseFunctionsAdjoint.minOfGrad(t, t);
    assertThat(g.x()).isEqualTo(0.5);
    assertThat(g.y()).isEqualTo(0.5);
    PiecewiseFunctionsAdjoint.MinOfGrad pulled =
        PiecewiseFunctionsAdjoint.minOfVjp(t, t).pullback(3.0);
    assertThat(pulled.x()).isEqualTo(1.5);
    assertThat(pulled.y()).isEqualTo(1.5);
  }

  /**
   * +0.0 and -0.0: whether the generated code treats them as a tie (they are ==) or follows
   * Math.max (which prefers +0.0), the whole cotangent must arrive.
   */
  @Test
  void signedZerosTie() {
    PiecewiseFunctionsAdjoint.MaxOfGrad g = PiecewiseFunctionsAdjoint.maxOfGrad(0.0, -0.0);
    assertThat(g.x() + g.y()).isEqualTo(1.0);
  }

  /** For every exponent: negative ones (where 0^y is Infinity), infinite ones and NaN too. */
  @ParameterizedTest
  @ValueSource(
      doubles = {
        0.0, 1.0, 2.0, 3.0, 0.5, 2.5, -1.0, -0.5, -0.0, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NaN
      })
  void powAtZeroBaseHasZeroExponentDerivative(double y) {
    PiecewiseFunctionsAdjoint.PowOfGrad g = PiecewiseFunctionsAdjoint.powOfGrad(0.0, y);
    assertWithMessage("d/dy pow(0, %s)", y).that(g.y()).isZero();
    PiecewiseFunctionsAdjoint.PowOfGrad negativeZero = PiecewiseFunctionsAdjoint.powOfGrad(-0.0, y);
    assertWithMessage("d/dy pow(-0.0, %s)", y).that(negativeZero.y()).isZero();
  }

  @Test
  void powAtZeroBaseHasTheUsualBaseDerivative() {
    // d/dx x^y = y x^(y-1): 0 for y > 1, 1 at y = 1, +Infinity for 0 < y < 1.
    assertThat(PiecewiseFunctionsAdjoint.powOfGrad(0.0, 3.0).x()).isZero();
    assertThat(PiecewiseFunctionsAdjoint.powOfGrad(0.0, 1.0).x()).isEqualTo(1.0);
    assertThat(PiecewiseFunctionsAdjoint.powOfGrad(0.0, 0.5).x()).isPositiveInfinity();
    // y < 0: 0^y is +Infinity, and y x^(y-1) is -Infinity.
    PiecewiseFunctionsAdjoint.PowOfValueAndGrad r =
        PiecewiseFunctionsAdjoint.powOfValueAndGrad(0.0, -1.0);
    assertThat(r.value()).isPositiveInfinity();
    assertThat(r.grad().x()).isNegativeInfinity();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.0, 3.0, -2.0, 1e-300, Double.POSITIVE_INFINITY})
  void powToTheZeroHasZeroBaseDerivative(double x) {
    PiecewiseFunctionsAdjoint.PowOfGrad g = PiecewiseFunctionsAdjoint.powOfGrad(x, 0.0);
    assertWithMessage("d/dx pow(%s, 0)", x).that(g.x()).isZero();
  }

  @Test
  void powToTheZeroKeepsItsExponentDerivative() {
    // d/dy x^y = x^y ln x = ln 3 at (3, 0); at (0, 0) the pow(0, y) convention makes it 0.
    assertThat(PiecewiseFunctionsAdjoint.powOfGrad(3.0, 0.0).y()).isWithin(1e-15).of(Math.log(3));
    assertThat(PiecewiseFunctionsAdjoint.powOfGrad(0.0, 0.0).y()).isZero();
  }

  @Test
  void hypotAtTheOriginHasZeroGradient() {
    for (double x : new double[] {0.0, -0.0}) {
      for (double y : new double[] {0.0, -0.0}) {
        PiecewiseFunctionsAdjoint.HypotOfGrad g = PiecewiseFunctionsAdjoint.hypotOfGrad(x, y);
        assertWithMessage("d/dx hypot(%s, %s)", x, y).that(g.x()).isZero();
        assertWithMessage("d/dy hypot(%s, %s)", x, y).that(g.y()).isZero();
      }
    }
  }

  /**
   * sqrt'(x) is 0.5 / sqrt(x), evaluated as IEEE arithmetic gives it: +Infinity at 0.0, and
   * -Infinity at -0.0 because sqrt(-0.0) is -0.0 (documented in docs/diagnostics.md).
   */
  @Test
  void sqrtAtZeroHasInfiniteDerivativeWithTheSignOfZero() {
    assertThat(PiecewiseFunctionsAdjoint.sqrtOfValueAndGrad(0.0).value()).isZero();
    assertThat(PiecewiseFunctionsAdjoint.sqrtOfGrad(0.0).x()).isPositiveInfinity();
    assertThat(PiecewiseFunctionsAdjoint.sqrtOfGrad(-0.0).x()).isNegativeInfinity();
  }

  /** log'(x) = 1 / x: +Infinity at 0.0 and -Infinity at -0.0, as for sqrt; log10 likewise. */
  @Test
  void logAtZeroHasInfiniteDerivativeWithTheSignOfZero() {
    assertThat(OneFunctionAdjoint.logValueAndGrad(0.0).value()).isNegativeInfinity();
    assertThat(OneFunctionAdjoint.logGrad(0.0).x()).isPositiveInfinity();
    assertThat(OneFunctionAdjoint.logGrad(-0.0).x()).isNegativeInfinity();
    assertThat(OneFunctionAdjoint.log10Grad(0.0).x()).isPositiveInfinity();
    assertThat(OneFunctionAdjoint.log10Grad(-0.0).x()).isNegativeInfinity();
    // log1p'(x) = 1 / (1 + x) at its pole x = -1
    assertThat(OneFunctionAdjoint.log1pGrad(-1.0).x()).isPositiveInfinity();
  }

  /** cbrt'(x) = 1 / (3 cbrt(x)^2): +Infinity at both zeros (the square drops the sign). */
  @Test
  void cbrtAtZeroHasPositiveInfiniteDerivative() {
    assertThat(OneFunctionAdjoint.cbrtGrad(0.0).x()).isPositiveInfinity();
    assertThat(OneFunctionAdjoint.cbrtGrad(-0.0).x()).isPositiveInfinity();
  }

  /** asin' = 1 / sqrt(1 - x^2) is +Infinity at both ends of the domain; acos' = -asin'. */
  @Test
  void asinAndAcosAtTheEndsOfTheirDomain() {
    for (double end : new double[] {1.0, -1.0}) {
      assertWithMessage("asin'(%s)", end)
          .that(OneFunctionAdjoint.asinGrad(end).x())
          .isPositiveInfinity();
      assertWithMessage("acos'(%s)", end)
          .that(OneFunctionAdjoint.acosGrad(end).x())
          .isNegativeInfinity();
    }
  }

  /**
   * atan2 jumps at the origin (its value there depends on the signs of the zeros), so it has no
   * derivative and no convention: the formula x / (x^2 + y^2) gives 0 / 0 = NaN, as in JAX.
   */
  @Test
  void atan2AtTheOriginHasNaNGradient() {
    for (double y : new double[] {0.0, -0.0}) {
      for (double x : new double[] {0.0, -0.0}) {
        OneFunctionAdjoint.Atan2Grad g = OneFunctionAdjoint.atan2Grad(y, x);
        assertWithMessage("d/dy atan2(%s, %s)", y, x).that(g.y()).isNaN();
        assertWithMessage("d/dx atan2(%s, %s)", y, x).that(g.x()).isNaN();
      }
    }
  }

  /** Inside an expression: |x - y| at x = y and min(x y, 1) at x y = 1, both at (1, 1). */
  @Test
  void conventionsComposeInsideExpressions() {
    // d|x - y| = 0 at the kink; max(x, y) ties but is multiplied by |x - y| = 0; min(x y, 1)
    // ties, so half the cotangent reaches x y: (0.5 y, 0.5 x).
    PiecewiseFunctionsAdjoint.AbsMinMaxGrad g = PiecewiseFunctionsAdjoint.absMinMaxGrad(1.0, 1.0);
    assertThat(g.x()).isEqualTo(0.5);
    assertThat(g.y()).isEqualTo(0.5);
  }

  /** clamp(x, lo, hi) = max(lo, min(x, hi)) at x = hi: the min ties, half reaches x. */
  @Test
  void clampAtItsBoundsSplitsTheCotangent() {
    assertThat(PiecewiseFunctionsAdjoint.clampGrad(1.0, -1.0, 1.0).x()).isEqualTo(0.5);
    assertThat(PiecewiseFunctionsAdjoint.clampGrad(-1.0, -1.0, 1.0).x()).isEqualTo(0.5);
    // A degenerate interval: both functions tie, a quarter reaches x.
    assertThat(PiecewiseFunctionsAdjoint.clampGrad(2.0, 2.0, 2.0).x()).isEqualTo(0.25);
  }

  /** floor, ceil, rint and signum have derivative 0 even at their jumps. */
  @Test
  void stepFunctionsHaveZeroDerivativeAtTheirJumps() {
    // steps(x) = floor(x) x + ceil(x) + rint(x) x^2 + signum(x) sin x
    assertThat(PiecewiseFunctionsAdjoint.stepsGrad(0.0).x()).isZero();
    assertThat(PiecewiseFunctionsAdjoint.stepsGrad(2.0).x())
        .isWithin(1e-14)
        .of(2 + 2 * 2 * 2 + Math.cos(2.0));
    assertThat(PiecewiseFunctionsAdjoint.stepsGrad(-1.5).x())
        .isWithin(1e-14)
        .of(-2 + 2 * -1.5 * -2 - Math.cos(-1.5));
  }
}
