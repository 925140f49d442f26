package dev.adjoint.processor.transform;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.read;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrInterpreter;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.Variable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each {@link MathFunction}'s partials, evaluated as IR, against central differences of the
 * function itself at points inside its domain and away from kinks; and the documented conventions
 * at the kinks and singular points.
 */
class PartialsTest {
  private static final ClassName MATH = ClassName.get("java.lang", "Math");
  private static final Variable A0 = new Variable("a0", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private static final Variable A1 = new Variable("a1", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private static final Variable R = new Variable("r", TypeName.DOUBLE, Variable.Kind.LOCAL);

  /** Points inside each function's domain, away from its kinks; one array per point. */
  private static final Map<MathFunction, double[][]> POINTS = new EnumMap<>(MathFunction.class);

  static {
    double[][] anywhere = {{-1.3}, {0.4}, {2.0}};
    for (MathFunction f : List.of(MathFunction.SIN, MathFunction.COS, MathFunction.TAN,
        MathFunction.SINH, MathFunction.COSH, MathFunction.TANH, MathFunction.EXP,
        MathFunction.EXPM1, MathFunction.ATAN, MathFunction.CBRT, MathFunction.TO_RADIANS,
        MathFunction.TO_DEGREES, MathFunction.ABS)) {
      POINTS.put(f, anywhere);
    }
    POINTS.put(MathFunction.ASIN, new double[][] {{-0.6}, {0.1}, {0.8}});
    POINTS.put(MathFunction.ACOS, new double[][] {{-0.6}, {0.1}, {0.8}});
    POINTS.put(MathFunction.LOG, new double[][] {{0.2}, {1.5}, {30}});
    POINTS.put(MathFunction.LOG1P, new double[][] {{-0.5}, {0.2}, {30}});
    POINTS.put(MathFunction.LOG10, new double[][] {{0.2}, {1.5}, {30}});
    POINTS.put(MathFunction.SQRT, new double[][] {{0.3}, {2}, {17}});
    POINTS.put(MathFunction.ATAN2, new double[][] {{0.5, 1.2}, {-1.5, 0.3}, {2, -0.7}});
    POINTS.put(MathFunction.POW, new double[][] {{1.5, 2.3}, {0.7, -1.2}, {3, 0.5}});
    POINTS.put(MathFunction.HYPOT, new double[][] {{3, 4}, {-1.2, 0.5}, {0.1, -2}});
  }

  /** Functions with no partial here: the reverse rules treat them themselves. */
  private static boolean noPartial(MathFunction f) {
    return f.isPiecewiseConstant() || f == MathFunction.MIN || f == MathFunction.MAX;
  }

  private static List<Expr> args(int arity) {
    return arity == 1 ? List.of(read(A0)) : List.of(read(A0), read(A1));
  }

  private static Map<Variable, Object> bind(double[] point, Double result) {
    Map<Variable, Object> values = new HashMap<>();
    values.put(A0, point[0]);
    if (point.length > 1) {
      values.put(A1, point[1]);
    }
    if (result != null) {
      values.put(R, result);
    }
    return values;
  }

  private static double partial(MathFunction f, int arg, double[] point, boolean withResult) {
    Expr result = withResult ? read(R) : null;
    Expr p = Partials.partial(f, MATH, arg, args(f.arity()), result);
    return IrInterpreter.evalDouble(p, bind(point, IrInterpreter.math(f, point)));
  }

  private static double centralDifference(MathFunction f, int arg, double[] point) {
    double h = 1e-6 * Math.max(1, Math.abs(point[arg]));
    double[] up = point.clone();
    double[] down = point.clone();
    up[arg] += h;
    down[arg] -= h;
    return (IrInterpreter.math(f, up) - IrInterpreter.math(f, down)) / (2 * h);
  }

  @Test
  void everyPartialMatchesACentralDifference() {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (MathFunction f : MathFunction.values()) {
      if (noPartial(f)) {
        continue;
      }
      double[][] points = POINTS.get(f);
      assertWithMessage("no test points for %s: add them to PartialsTest.POINTS", f)
          .that(points).isNotNull();
      for (double[] point : points) {
        for (int arg = 0; arg < f.arity(); arg++) {
          double expected = centralDifference(f, arg, point);
          for (boolean withResult : new boolean[] {false, true}) {
            double actual = partial(f, arg, point, withResult);
            checked++;
            if (!(Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)))) {
              wrong.add(String.format("d%s/d(arg %d) at %s%s: %s, difference %s", f, arg,
                  java.util.Arrays.toString(point), withResult ? " (result given)" : "",
                  actual, expected));
            }
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(checked).isAtLeast(100);
  }

  @Test
  void piecewiseConstantFunctionsAndMinMaxHaveNoPartialHere() {
    for (MathFunction f : MathFunction.values()) {
      if (noPartial(f)) {
        assertThrows(IllegalArgumentException.class,
            () -> Partials.partial(f, MATH, 0, args(f.arity()), null), f.toString());
      }
    }
  }

  @Test
  void conventionsAtKinksAndSingularPoints() {
    // abs'(0) = 0
    assertThat(partial(MathFunction.ABS, 0, new double[] {0}, false)).isEqualTo(0.0);
    // hypot(0, 0) has gradient 0, not 0/0
    assertThat(partial(MathFunction.HYPOT, 0, new double[] {0, 0}, false)).isEqualTo(0.0);
    assertThat(partial(MathFunction.HYPOT, 1, new double[] {0, 0}, true)).isEqualTo(0.0);
    // pow(x, 0) is constant in x, also at x = 0 (where y * x^(y-1) would be 0 * inf)
    assertThat(partial(MathFunction.POW, 0, new double[] {0, 0}, false)).isEqualTo(0.0);
    assertThat(partial(MathFunction.POW, 0, new double[] {2.5, 0}, false)).isEqualTo(0.0);
    // pow(0, y) has y-derivative 0 (where x^y * log(x) would be 0 * -inf)
    assertThat(partial(MathFunction.POW, 1, new double[] {0, 2}, true)).isEqualTo(0.0);
  }

  @Test
  void constantExponentsAreFolded() {
    double x = -1.5; // a negative base: only a folded integer exponent has a real derivative
    Map<Variable, Object> at = Map.of(A0, x);
    for (double k : new double[] {0, 1, 2, 3, -2, 0.5}) {
      Expr p = Partials.partial(MathFunction.POW, MATH, 0, List.of(read(A0), lit(k)), null);
      assertThat(p instanceof Expr.Conditional).isFalse(); // no test of y == 0 at run time
      if (k == 0.5) {
        continue; // x^-0.5 of a negative x is NaN, rightly
      }
      double expected = k * Math.pow(x, k - 1);
      assertWithMessage("d/dx x^%s", k).that(IrInterpreter.evalDouble(p, at))
          .isWithin(1e-12).of(expected);
    }
    assertThat(Partials.partial(MathFunction.POW, MATH, 0, List.of(read(A0), lit(0)), null))
        .isEqualTo(lit(0));
    assertThat(Partials.partial(MathFunction.POW, MATH, 0, List.of(read(A0), lit(1)), null))
        .isEqualTo(lit(1));
  }

  @Test
  void stableFormsKeepTheirAccuracyWhereTheNaiveOnesLoseIt() {
    // tanh' = cosh^-2, accurate where tanh saturates (1 - tanh^2 is 0 or noise there)
    double x = 15;
    double exact = 4 / Math.pow(Math.exp(x) + Math.exp(-x), 2);
    assertThat(partial(MathFunction.TANH, 0, new double[] {x}, true))
        .isWithin(1e-12 * exact).of(exact);
    // expm1' = exp, not expm1 + 1 (which is 0 below about -37)
    assertThat(partial(MathFunction.EXPM1, 0, new double[] {-40}, true))
        .isWithin(1e-12 * Math.exp(-40)).of(Math.exp(-40));
    // atan2 through hypot: no overflow at 1e200
    assertThat(partial(MathFunction.ATAN2, 0, new double[] {1e200, 1e200}, false))
        .isWithin(1e-210).of(0.5e-200);
  }
}
