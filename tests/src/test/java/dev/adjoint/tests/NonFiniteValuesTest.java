package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.DifferentiableFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IEEE semantics: the expression is differentiated as written, so overflow gives NaN where the
 * written derivative is inf/inf; and only the branch taken contributes, so NaN or infinity in a
 * branch not taken never leaks.
 */
final class NonFiniteValuesTest {

  /** The tutorial: d/dx log(1 + exp(x)) = exp(x) / (1 + exp(x)), which is inf/inf at 1000. */
  @Test
  void softplusGradientIsNaNWhereExpOverflows() {
    assertThat(StaticImportMathAdjoint.softplusGrad(1000).x()).isNaN();
    StaticImportMathAdjoint.SoftplusValueAndGrad r =
        StaticImportMathAdjoint.softplusValueAndGrad(1000);
    assertThat(r.value()).isPositiveInfinity();
    assertThat(r.grad().x()).isNaN();
    assertThat(StaticImportMathAdjoint.softplusVjp(1000).pullback(1.0).x()).isNaN();
    double[] out = new double[1];
    DifferentiableFunction f = StaticImportMathAdjoint.softplusFunction();
    assertThat(f.valueAndGradient(new double[] {1000}, out)).isPositiveInfinity();
    assertThat(out[0]).isNaN();
  }

  /**
   * 0.7310585786300049 is e / (1 + e) correctly rounded. Reverse mode differentiating log(1 +
   * exp(x)) as written computes (1 / (1 + e)) * e, two roundings, which lands one ulp below; the
   * custom rule of the samples, 1 / (1 + e^-1), gives the tutorial's digits exactly.
   */
  @Test
  void softplusGradientAtOneIsWithinAnUlpOfTheTutorialsValue() {
    double g = StaticImportMathAdjoint.softplusGrad(1).x();
    assertThat(g).isWithin(Math.ulp(0.7310585786300049)).of(0.7310585786300049);
    // Reverse mode computes (1 / (1 + e)) * e, which rounds twice: one ulp below.
    assertThat(g).isEqualTo((1 / (1 + Math.E)) * Math.E);
  }

  /** exp(-1000) underflows to 0: the written derivative 0 / (1 + 0) is exactly 0, not NaN. */
  @Test
  void softplusGradientUnderflowsToZero() {
    assertThat(StaticImportMathAdjoint.softplusGrad(-1000).x()).isZero();
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1.0, 0.0, -0.0, Double.NEGATIVE_INFINITY, -1e-300})
  void untakenTernaryBranchDoesNotLeak(double x) {
    // x > 0 ? sqrt(x) : 0.0; sqrt'(x) is NaN for x < 0 and +Infinity at 0
    assertWithMessage("d/dx at %s", x).that(ControlFlowAdjoint.guardedSqrtGrad(x).x()).isZero();
    assertWithMessage("pullback at %s", x)
        .that(ControlFlowAdjoint.guardedSqrtVjp(x).pullback(2.0).x())
        .isZero();
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1.0, 0.0, -0.0, Double.NEGATIVE_INFINITY})
  void untakenIfBranchDoesNotLeak(double x) {
    // r = x; if (x > 0) r += sqrt(x) log(x): the skipped arm is NaN or infinite here
    assertWithMessage("d/dx at %s", x)
        .that(ControlFlowAdjoint.guardedSqrtIfGrad(x).x())
        .isEqualTo(1.0);
  }

  /**
   * In nested(x, y), the region x <= 0, y > 1 returns early; the fall-through x^2 y does not run.
   */
  @Test
  void earlyReturnSkipsTheRestOfTheBody() {
    double x = -0.5, y = 1.5;
    ControlFlowAdjoint.NestedGrad g = ControlFlowAdjoint.nestedGrad(x, y);
    assertThat(g.x()).isWithin(1e-15).of(Math.cos(x + y));
    assertThat(g.y()).isWithin(1e-15).of(Math.cos(x + y));
  }

  @Test
  void nanInputsGiveNaNGradients() {
    ElementaryFunctionsAdjoint.TrigGrad g = ElementaryFunctionsAdjoint.trigGrad(Double.NaN, 0.5);
    assertThat(g.x()).isNaN();
    assertThat(g.y()).isNaN();
    assertThat(ElementaryFunctionsAdjoint.trigValueAndGrad(Double.NaN, 0.5).value()).isNaN();
  }

  @Test
  void sqrtAtInfinityHasZeroDerivative() {
    assertThat(PiecewiseFunctionsAdjoint.sqrtOfGrad(Double.POSITIVE_INFINITY).x()).isZero();
  }

  @Test
  void sqrtOfNegativeIsNaNLikeItsValue() {
    PiecewiseFunctionsAdjoint.SqrtOfValueAndGrad r =
        PiecewiseFunctionsAdjoint.sqrtOfValueAndGrad(-4);
    assertThat(r.value()).isNaN();
    assertThat(r.grad().x()).isNaN();
  }

  /**
   * atan2's own derivative in a stable form: d/dy atan2(y, x) = x / (x^2 + y^2) must not underflow
   * or overflow in x^2 + y^2 where the derivative itself is a normal double.
   */
  @ParameterizedTest
  @ValueSource(doubles = {1e-200, 1e-160, 1e160, 1e200})
  void atan2DerivativeDoesNotOverflowAtExtremeScales(double scale) {
    double y = scale, x = 2 * scale;
    // x / (x^2 + y^2) = 2 / (5 scale), -y / (x^2 + y^2) = -1 / (5 scale)
    ElementaryFunctionsAdjoint.Atan2OfGrad g = ElementaryFunctionsAdjoint.atan2OfGrad(y, x);
    assertWithMessage("d/dy at scale %s", scale)
        .that(g.y())
        .isWithin(1e-12 * 0.4 / scale)
        .of(0.4 / scale);
    assertWithMessage("d/dx at scale %s", scale)
        .that(g.x())
        .isWithin(1e-12 * 0.2 / scale)
        .of(-0.2 / scale);
  }
}
