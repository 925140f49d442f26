package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.DifferentiableFunction;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IEEE semantics: the expression is differentiated as written, so overflow gives NaN where the
 * written derivative is inf/inf; each function's own derivative is its formula evaluated in IEEE
 * arithmetic, so NaN and infinities go through it as through the primal (the table below, for
 * every supported function); and only the branch taken contributes, so NaN or infinity in a
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

  // ------------------------------------------------------- every function at NaN and infinities

  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double PI = Math.PI;

  /** One function of one argument, through mFunction and through mVjp(x).pullback(1). */
  record Unary(String name, DifferentiableFunction function, DoubleUnaryOperator pullback) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Unary> unaries() {
    return List.of(
        new Unary(
            "sin",
            OneFunctionAdjoint.sinFunction(),
            x -> OneFunctionAdjoint.sinVjp(x).pullback(1).x()),
        new Unary(
            "cos",
            OneFunctionAdjoint.cosFunction(),
            x -> OneFunctionAdjoint.cosVjp(x).pullback(1).x()),
        new Unary(
            "tan",
            OneFunctionAdjoint.tanFunction(),
            x -> OneFunctionAdjoint.tanVjp(x).pullback(1).x()),
        new Unary(
            "asin",
            OneFunctionAdjoint.asinFunction(),
            x -> OneFunctionAdjoint.asinVjp(x).pullback(1).x()),
        new Unary(
            "acos",
            OneFunctionAdjoint.acosFunction(),
            x -> OneFunctionAdjoint.acosVjp(x).pullback(1).x()),
        new Unary(
            "atan",
            OneFunctionAdjoint.atanFunction(),
            x -> OneFunctionAdjoint.atanVjp(x).pullback(1).x()),
        new Unary(
            "sinh",
            OneFunctionAdjoint.sinhFunction(),
            x -> OneFunctionAdjoint.sinhVjp(x).pullback(1).x()),
        new Unary(
            "cosh",
            OneFunctionAdjoint.coshFunction(),
            x -> OneFunctionAdjoint.coshVjp(x).pullback(1).x()),
        new Unary(
            "tanh",
            OneFunctionAdjoint.tanhFunction(),
            x -> OneFunctionAdjoint.tanhVjp(x).pullback(1).x()),
        new Unary(
            "exp",
            OneFunctionAdjoint.expFunction(),
            x -> OneFunctionAdjoint.expVjp(x).pullback(1).x()),
        new Unary(
            "expm1",
            OneFunctionAdjoint.expm1Function(),
            x -> OneFunctionAdjoint.expm1Vjp(x).pullback(1).x()),
        new Unary(
            "log",
            OneFunctionAdjoint.logFunction(),
            x -> OneFunctionAdjoint.logVjp(x).pullback(1).x()),
        new Unary(
            "log1p",
            OneFunctionAdjoint.log1pFunction(),
            x -> OneFunctionAdjoint.log1pVjp(x).pullback(1).x()),
        new Unary(
            "log10",
            OneFunctionAdjoint.log10Function(),
            x -> OneFunctionAdjoint.log10Vjp(x).pullback(1).x()),
        new Unary(
            "sqrt",
            OneFunctionAdjoint.sqrtFunction(),
            x -> OneFunctionAdjoint.sqrtVjp(x).pullback(1).x()),
        new Unary(
            "cbrt",
            OneFunctionAdjoint.cbrtFunction(),
            x -> OneFunctionAdjoint.cbrtVjp(x).pullback(1).x()),
        new Unary(
            "abs",
            OneFunctionAdjoint.absFunction(),
            x -> OneFunctionAdjoint.absVjp(x).pullback(1).x()),
        new Unary(
            "signum",
            OneFunctionAdjoint.signumFunction(),
            x -> OneFunctionAdjoint.signumVjp(x).pullback(1).x()),
        new Unary(
            "floor",
            OneFunctionAdjoint.floorFunction(),
            x -> OneFunctionAdjoint.floorVjp(x).pullback(1).x()),
        new Unary(
            "ceil",
            OneFunctionAdjoint.ceilFunction(),
            x -> OneFunctionAdjoint.ceilVjp(x).pullback(1).x()),
        new Unary(
            "rint",
            OneFunctionAdjoint.rintFunction(),
            x -> OneFunctionAdjoint.rintVjp(x).pullback(1).x()),
        new Unary(
            "toRadians",
            OneFunctionAdjoint.toRadiansFunction(),
            x -> OneFunctionAdjoint.toRadiansVjp(x).pullback(1).x()),
        new Unary(
            "toDegrees",
            OneFunctionAdjoint.toDegreesFunction(),
            x -> OneFunctionAdjoint.toDegreesVjp(x).pullback(1).x()));
  }

  /**
   * Value and derivative of each function at NaN, +Infinity and -Infinity, as the IEEE evaluation
   * of the function and of its derivative formula gives them. A NaN argument gives NaN for both,
   * except where the derivative does not read the argument: 0 for the step functions, the constant
   * factor of toRadians and toDegrees.
   */
  static Stream<Arguments> atNaNAndInfinities() {
    double toRad = PI / 180;
    double toDeg = 180 / PI;
    Object[][] rows = {
      // name, value and derivative at NaN, at +Infinity, at -Infinity
      {"sin", NAN, NAN, NAN, NAN, NAN, NAN},
      {"cos", NAN, NAN, NAN, NAN, NAN, NAN},
      {"tan", NAN, NAN, NAN, NAN, NAN, NAN},
      {"asin", NAN, NAN, NAN, NAN, NAN, NAN},
      {"acos", NAN, NAN, NAN, NAN, NAN, NAN},
      {"atan", NAN, NAN, PI / 2, 0.0, -PI / 2, 0.0},
      {"sinh", NAN, NAN, INF, INF, -INF, INF},
      {"cosh", NAN, NAN, INF, INF, INF, -INF},
      {"tanh", NAN, NAN, 1.0, 0.0, -1.0, 0.0},
      {"exp", NAN, NAN, INF, INF, 0.0, 0.0},
      {"expm1", NAN, NAN, INF, INF, -1.0, 0.0},
      {"log", NAN, NAN, INF, 0.0, NAN, 0.0},
      {"log1p", NAN, NAN, INF, 0.0, NAN, 0.0},
      {"log10", NAN, NAN, INF, 0.0, NAN, 0.0},
      {"sqrt", NAN, NAN, INF, 0.0, NAN, NAN},
      {"cbrt", NAN, NAN, INF, 0.0, -INF, 0.0},
      {"abs", NAN, NAN, INF, 1.0, INF, -1.0},
      {"signum", NAN, 0.0, 1.0, 0.0, -1.0, 0.0},
      {"floor", NAN, 0.0, INF, 0.0, -INF, 0.0},
      {"ceil", NAN, 0.0, INF, 0.0, -INF, 0.0},
      {"rint", NAN, 0.0, INF, 0.0, -INF, 0.0},
      {"toRadians", NAN, toRad, INF, toRad, -INF, toRad},
      {"toDegrees", NAN, toDeg, INF, toDeg, -INF, toDeg},
    };
    List<Unary> unaries = unaries();
    assertWithMessage("a row for every function").that(rows.length).isEqualTo(unaries.size());
    return Stream.of(rows)
        .map(r -> Arguments.of(unary((String) r[0]), r[1], r[2], r[3], r[4], r[5], r[6]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("atNaNAndInfinities")
  void nanAndInfinitiesGoThroughEachFunctionAsThroughThePrimal(
      Unary f,
      double valueAtNaN,
      double slopeAtNaN,
      double valueAtPlusInf,
      double slopeAtPlusInf,
      double valueAtMinusInf,
      double slopeAtMinusInf) {
    assertAt(f, NAN, valueAtNaN, slopeAtNaN);
    assertAt(f, INF, valueAtPlusInf, slopeAtPlusInf);
    assertAt(f, -INF, valueAtMinusInf, slopeAtMinusInf);
  }

  /**
   * Outside a function's domain the value is NaN and the derivative is the formula's value there:
   * NaN where the formula reads the result (sqrt) or takes a square root (asin, acos), but finite
   * for the logarithms, whose formula 1/x is defined at negative x (JAX and PyTorch give the same).
   */
  @Test
  void outsideTheDomainTheDerivativeIsTheFormulasValue() {
    Unary sqrt = unary("sqrt");
    Unary asin = unary("asin");
    Unary acos = unary("acos");
    assertAt(sqrt, -1.0, NAN, NAN);
    assertAt(asin, 2.0, NAN, NAN);
    assertAt(acos, -2.0, NAN, NAN);
    assertAt(unary("log"), -1.0, NAN, -1.0);
    assertAt(unary("log1p"), -2.0, NAN, -1.0);
    assertAt(unary("log10"), -1.0, NAN, 1 / (-1.0 * Math.log(10)));
  }

  /** A NaN reaches exactly the gradient entries whose partial derivatives read it. */
  @Test
  void nanReachesThePartialsThatReadIt() {
    // inner(x, y) = x y + sin x: d/dx = y + cos x reads y; d/dy = x does not.
    CallsAdjoint.InnerValueAndGrad r = CallsAdjoint.innerValueAndGrad(2.0, NAN);
    assertThat(r.value()).isNaN();
    assertThat(r.grad().x()).isNaN();
    assertThat(r.grad().y()).isEqualTo(2.0);
  }

  /** A NaN or infinite cotangent scales every entry that depends on the output, no other. */
  @Test
  void nonFiniteCotangentsScaleOnlyWhatDependsOnTheOutput() {
    // ignoresY(x, y) = 3 sin x
    StatementsAdjoint.IgnoresYGrad nan = StatementsAdjoint.ignoresYVjp(1.0, 2.0).pullback(NAN);
    assertThat(nan.x()).isNaN();
    assertThat(nan.y()).isZero();
    StatementsAdjoint.IgnoresYGrad inf = StatementsAdjoint.ignoresYVjp(1.0, 2.0).pullback(INF);
    assertThat(inf.x()).isPositiveInfinity();
    assertThat(inf.y()).isZero();
    // d/dx = 3 cos x is 3 at x = 0.
    assertThat(StatementsAdjoint.ignoresYVjp(0.0, 2.0).pullback(-INF).x()).isNegativeInfinity();
  }

  /** pow at NaN: the primal is 1 for a zero exponent whatever the base, and d/dx follows it. */
  @Test
  void powAtNaN() {
    PiecewiseFunctionsAdjoint.PowOfValueAndGrad r =
        PiecewiseFunctionsAdjoint.powOfValueAndGrad(NAN, 0.0);
    assertThat(r.value()).isEqualTo(1.0);
    assertThat(r.grad().x()).isZero(); // pow(x, 0) is constant in x
    assertThat(r.grad().y()).isNaN(); // x^y ln x at x = NaN
    r = PiecewiseFunctionsAdjoint.powOfValueAndGrad(2.0, NAN);
    assertThat(r.value()).isNaN();
    assertThat(r.grad().x()).isNaN();
    assertThat(r.grad().y()).isNaN();
  }

  /** x^y for x < 0 is real only at integer y, so d/dy is NaN there, as log x is (JAX agrees). */
  @Test
  void powOfANegativeBaseHasNaNExponentDerivative() {
    PiecewiseFunctionsAdjoint.PowOfValueAndGrad r =
        PiecewiseFunctionsAdjoint.powOfValueAndGrad(-2.0, 3.0);
    assertThat(r.value()).isEqualTo(-8.0);
    assertThat(r.grad().x()).isEqualTo(12.0);
    assertThat(r.grad().y()).isNaN();
  }

  /** hypot, atan2, min and max with a NaN argument. */
  @Test
  void binaryFunctionsAtNaN() {
    OneFunctionAdjoint.HypotValueAndGrad h = OneFunctionAdjoint.hypotValueAndGrad(NAN, 1.0);
    assertThat(h.value()).isNaN();
    assertThat(h.grad().x()).isNaN();
    assertThat(h.grad().y()).isNaN();
    OneFunctionAdjoint.Atan2ValueAndGrad a = OneFunctionAdjoint.atan2ValueAndGrad(1.0, NAN);
    assertThat(a.value()).isNaN();
    assertThat(a.grad().y()).isNaN();
    assertThat(a.grad().x()).isNaN();
    // min and max: neither argument wins and they do not tie, so both derivatives are NaN.
    OneFunctionAdjoint.MaxValueAndGrad max = OneFunctionAdjoint.maxValueAndGrad(NAN, 1.0);
    assertThat(max.value()).isNaN();
    assertThat(max.grad().x()).isNaN();
    assertThat(max.grad().y()).isNaN();
    OneFunctionAdjoint.MinValueAndGrad min = OneFunctionAdjoint.minValueAndGrad(1.0, NAN);
    assertThat(min.value()).isNaN();
    assertThat(min.grad().x()).isNaN();
    assertThat(min.grad().y()).isNaN();
    assertThat(OneFunctionAdjoint.minVjp(NAN, NAN).pullback(1.0).x()).isNaN();
  }

  private static Unary unary(String name) {
    return unaries().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * Value and derivative of {@code f} at {@code x} through both entry points: NaN must be NaN,
   * anything else equal as a number (a zero of either sign matches a zero).
   */
  static void assertAt(Unary f, double x, double value, double derivative) {
    double[] gradient = new double[1];
    double v = f.function().valueAndGradient(new double[] {x}, gradient);
    assertNumber(f + "(" + x + ")", v, value);
    assertNumber(f + "'(" + x + ") by mFunction", gradient[0], derivative);
    assertNumber(f + "'(" + x + ") by mVjp", f.pullback().applyAsDouble(x), derivative);
  }

  static void assertNumber(String what, double actual, double expected) {
    if (Double.isNaN(expected)) {
      assertWithMessage("%s", what).that(actual).isNaN();
    } else {
      assertWithMessage("%s is %s, expected %s", what, actual, expected)
          .that(actual == expected)
          .isTrue();
    }
  }
}
