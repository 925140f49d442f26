package dev.adjoint.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class GradCheckTest {

  private static final GradCheck CHECK = GradCheck.defaults();

  // ---------------------------------------------------------------- test functions

  private static DifferentiableFunction scalar(
      int n, ToDoubleFunction<double[]> value, BiConsumer<double[], double[]> gradient) {
    return new DifferentiableFunction() {
      @Override
      public int dimension() {
        return n;
      }

      @Override
      public double value(double[] point) {
        return value.applyAsDouble(point);
      }

      @Override
      public double valueAndGradient(double[] point, double[] gradientOut) {
        double result = value.applyAsDouble(point);
        gradient.accept(point, gradientOut);
        return result;
      }
    };
  }

  private static VectorFunction vector(
      int n,
      int m,
      Function<double[], double[]> value,
      BiFunction<double[], double[], double[]> pullback) {
    return new VectorFunction() {
      @Override
      public int inputDimension() {
        return n;
      }

      @Override
      public int outputDimension() {
        return m;
      }

      @Override
      public double[] value(double[] point) {
        return value.apply(point);
      }

      @Override
      public double[] pullback(double[] point, double[] cotangent) {
        return pullback.apply(point, cotangent);
      }
    };
  }

  private static double rosenbrock(double[] p) {
    double x = p[0];
    double y = p[1];
    return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
  }

  private static void rosenbrockGradient(double[] p, double[] g) {
    double x = p[0];
    double y = p[1];
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    g[1] = 200 * (y - x * x);
  }

  private static final DifferentiableFunction ROSENBROCK =
      scalar(2, GradCheckTest::rosenbrock, GradCheckTest::rosenbrockGradient);

  private static double extendedRosenbrock(double[] x) {
    double sum = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      sum += 100 * a * a + (1 - x[i]) * (1 - x[i]);
    }
    return sum;
  }

  private static void extendedRosenbrockGradient(double[] x, double[] g) {
    java.util.Arrays.fill(g, 0);
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      g[i] += -400 * x[i] * a - 2 * (1 - x[i]);
      g[i + 1] += 200 * a;
    }
  }

  /** The extended Rosenbrock function's Hessian times v, with one term scaled by {@code factor}. */
  private static double[] extendedRosenbrockHvp(double[] x, double[] v, double factor) {
    double[] hv = new double[x.length];
    for (int i = 0; i + 1 < x.length; i++) {
      hv[i] += (1200 * x[i] * x[i] - 400 * x[i + 1] + 2) * v[i] - 400 * x[i] * v[i + 1];
      hv[i + 1] += -400 * x[i] * v[i] + factor * 200 * v[i + 1];
    }
    return hv;
  }

  /** x * sin(y), with {@code factor} times the correct derivative in y. */
  private static DifferentiableFunction xSinY(double factor) {
    return scalar(
        2,
        p -> p[0] * Math.sin(p[1]),
        (p, g) -> {
          g[0] = Math.sin(p[1]);
          g[1] = factor * p[0] * Math.cos(p[1]);
        });
  }

  /** (x*y, sin x); {@code sign} multiplies the sin x term of the pullback. */
  private static VectorFunction productAndSine(double sign) {
    return vector(
        2,
        2,
        p -> new double[] {p[0] * p[1], Math.sin(p[0])},
        (p, v) -> new double[] {v[0] * p[1] + sign * v[1] * Math.cos(p[0]), v[0] * p[0]});
  }

  private static DifferentiableFunction sumOfSquares(int n, double gradientFactor) {
    return scalar(
        n,
        x -> {
          double sum = 0;
          for (double xi : x) {
            sum += xi * xi;
          }
          return sum;
        },
        (x, g) -> {
          for (int i = 0; i < x.length; i++) {
            g[i] = gradientFactor * 2 * x[i];
          }
        });
  }

  private static double[] randomPoint(Random random, int n, double low, double high) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = low + (high - low) * random.nextDouble();
    }
    return x;
  }

  // ---------------------------------------------------------------- settings

  @Test
  void defaultsAreTheFloat64DefaultsOfTheDesign() {
    assertThat(CHECK.eps()).isEqualTo(1e-6);
    assertThat(CHECK.atol()).isEqualTo(1e-5);
    assertThat(CHECK.rtol()).isEqualTo(1e-3);
    assertThat(CHECK.dotProductEps()).isEqualTo(1e-4);
    assertThat(CHECK.fullJacobianLimit()).isEqualTo(300);
    assertThat(CHECK.seed()).isEqualTo(GradCheck.DEFAULT_SEED);
  }

  @Test
  void withersReturnNewInstancesAndLeaveTheOriginalUnchanged() {
    GradCheck custom =
        CHECK
            .withEps(1e-7)
            .withTolerances(1e-8, 1e-6)
            .withDotProductEps(1e-3)
            .withSeed(7)
            .withFullJacobianLimit(10);
    assertThat(custom.eps()).isEqualTo(1e-7);
    assertThat(custom.atol()).isEqualTo(1e-8);
    assertThat(custom.rtol()).isEqualTo(1e-6);
    assertThat(custom.dotProductEps()).isEqualTo(1e-3);
    assertThat(custom.seed()).isEqualTo(7);
    assertThat(custom.fullJacobianLimit()).isEqualTo(10);
    assertThat(CHECK.eps()).isEqualTo(1e-6);
    assertThat(CHECK.atol()).isEqualTo(1e-5);
    assertThat(CHECK.fullJacobianLimit()).isEqualTo(300);
    assertThat(GradCheck.defaults()).isSameInstanceAs(CHECK);
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> CHECK.withEps(0));
    assertThrows(IllegalArgumentException.class, () -> CHECK.withEps(-1e-6));
    assertThrows(IllegalArgumentException.class, () -> CHECK.withEps(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> CHECK.withEps(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> CHECK.withTolerances(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> CHECK.withTolerances(0, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> CHECK.withDotProductEps(0));
    assertThrows(IllegalArgumentException.class, () -> CHECK.withFullJacobianLimit(-1));
  }

  @Test
  void wrongPointLengthIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CHECK.check(ROSENBROCK, 1, 2, 3));
    assertThat(e).hasMessageThat().contains("f.dimension() = 2");
    assertThrows(
        IllegalArgumentException.class, () -> CHECK.check(productAndSine(1), new double[] {1}));
  }

  @Test
  void pullbackOfTheWrongLengthIsRejected() {
    VectorFunction shortPullback =
        vector(2, 1, p -> new double[] {p[0] + p[1]}, (p, v) -> new double[] {v[0]});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CHECK.check(shortPullback, 1, 2));
    assertThat(e).hasMessageThat().contains("pullback");
  }

  // ---------------------------------------------------------------- correct gradients pass

  @Test
  void rosenbrockPassesAtManySeededRandomPoints() {
    Random random = new Random(1);
    for (int k = 0; k < 200; k++) {
      double[] x = randomPoint(random, 2, -2, 2);
      GradCheck.Report report = CHECK.check(ROSENBROCK, x);
      assertThat(report.passed()).isTrue();
      assertThat(report.fullJacobianChecked()).isTrue();
      assertThat(report.dotProductChecked()).isTrue();
      assertThat(report.comparedEntries()).isEqualTo(3); // the value and two partials
      assertThat(report.mismatches()).isEmpty();
    }
  }

  @Test
  void extendedRosenbrockPassesInTenDimensions() {
    DifferentiableFunction f =
        scalar(10, GradCheckTest::extendedRosenbrock, GradCheckTest::extendedRosenbrockGradient);
    Random random = new Random(2);
    for (int k = 0; k < 50; k++) {
      CHECK.assertGradient(f, randomPoint(random, 10, -2, 2));
    }
  }

  @Test
  void hessianVectorProductsPassAtManySeededRandomPoints() {
    DifferentiableFunction f = scalar(10, GradCheckTest::extendedRosenbrock,
        GradCheckTest::extendedRosenbrockGradient);
    Random random = new Random(7);
    for (int trial = 0; trial < 100; trial++) {
      double[] x = randomPoint(random, 10, -2, 2);
      GradCheck.Report report =
          CHECK.checkHvp(f, (p, v) -> extendedRosenbrockHvp(p, v, 1), x);
      assertThat(report.passed()).isTrue();
      assertThat(report.fullJacobianChecked()).isTrue();
      assertThat(report.comparedEntries()).isEqualTo(100);
      assertThat(report.maxRelativeError()).isLessThan(1e-6);
    }
    // Above the limit only the dot-product test runs.
    GradCheck.Report dotOnly = CHECK.withFullJacobianLimit(5)
        .checkHvp(f, (p, v) -> extendedRosenbrockHvp(p, v, 1), randomPoint(random, 10, -2, 2));
    assertThat(dotOnly.passed()).isTrue();
    assertThat(dotOnly.fullJacobianChecked()).isFalse();
    assertThat(dotOnly.comparedEntries()).isEqualTo(0);
  }

  @Test
  void aPerturbedHessianVectorProductFails() {
    DifferentiableFunction f = scalar(10, GradCheckTest::extendedRosenbrock,
        GradCheckTest::extendedRosenbrockGradient);
    double[] x = randomPoint(new Random(8), 10, -2, 2);
    GradCheck.Report report = CHECK.checkHvp(f, (p, v) -> extendedRosenbrockHvp(p, v, 1.5), x);
    assertThat(report.passed()).isFalse();
    assertThat(report.dotProductPassed()).isFalse();
    // Only the diagonal entries (i + 1, i + 1), i < 9, carry the perturbed term: 9 of 100.
    assertThat(report.mismatches()).hasSize(9);
    GradCheck.Mismatch first = report.mismatches().get(0);
    assertThat(first.row()).isEqualTo(1);
    assertThat(first.column()).isEqualTo(1);
    assertThat(report.toString()).contains("FAILED: GradCheck of Hessian-vector products");
    assertThat(report.toString()).contains("hessian[1][1]");
    assertThrows(AssertionError.class,
        () -> CHECK.assertHvp(f, (p, v) -> extendedRosenbrockHvp(p, v, 1.5), x));
    CHECK.assertHvp(f, (p, v) -> extendedRosenbrockHvp(p, v, 1), x);
    // The dot-product test alone catches it too.
    assertThat(CHECK.withFullJacobianLimit(0)
        .checkHvp(f, (p, v) -> extendedRosenbrockHvp(p, v, 1.5), x).passed()).isFalse();
  }

  @Test
  void hessianVectorProductOfTheWrongLengthIsRejected() {
    DifferentiableFunction f = scalar(10, GradCheckTest::extendedRosenbrock,
        GradCheckTest::extendedRosenbrockGradient);
    assertThrows(IllegalArgumentException.class,
        () -> CHECK.checkHvp(f, (p, v) -> new double[9], new double[10]));
    assertThrows(IllegalArgumentException.class,
        () -> CHECK.checkHvp(f, (p, v) -> extendedRosenbrockHvp(p, v, 1), new double[9]));
  }

  @Test
  void xSinYPassesAtManySeededRandomPoints() {
    Random random = new Random(3);
    for (int k = 0; k < 200; k++) {
      GradCheck.Report report = CHECK.check(xSinY(1), randomPoint(random, 2, -10, 10));
      assertThat(report.passed()).isTrue();
      assertThat(report.maxAbsoluteError()).isLessThan(1e-5);
    }
  }

  @Test
  void vectorFunctionWithItsPullbackPassesAtManySeededRandomPoints() {
    Random random = new Random(4);
    for (int k = 0; k < 200; k++) {
      GradCheck.Report report = CHECK.check(productAndSine(1), randomPoint(random, 2, -5, 5));
      assertThat(report.passed()).isTrue();
      assertThat(report.comparedEntries()).isEqualTo(4);
    }
  }

  @Test
  void nonSquareVectorFunctionPasses() {
    // (exp(x) * y, atan2(y, z)): R^3 -> R^2
    VectorFunction f =
        vector(
            3,
            2,
            p -> new double[] {Math.exp(p[0]) * p[1], Math.atan2(p[1], p[2])},
            (p, v) -> {
              double r2 = p[1] * p[1] + p[2] * p[2];
              return new double[] {
                v[0] * Math.exp(p[0]) * p[1],
                v[0] * Math.exp(p[0]) + v[1] * p[2] / r2,
                -v[1] * p[1] / r2
              };
            });
    Random random = new Random(5);
    for (int k = 0; k < 100; k++) {
      GradCheck.Report report = CHECK.check(f, randomPoint(random, 3, 0.5, 2));
      assertThat(report.passed()).isTrue();
      assertThat(report.comparedEntries()).isEqualTo(6);
    }
  }

  @Test
  void passingReportSaysSoAndNamesThePoint() {
    GradCheck.Report report = CHECK.check(ROSENBROCK, 0.5, -1.25);
    assertThat(report.toString()).startsWith("PASSED");
    assertThat(report.toString()).contains("[0.5, -1.25]");
    assertThat(report.toString()).contains("0 of 3 entries mismatch");
  }

  // ---------------------------------------------------------------- wrong gradients fail

  @Test
  void gradientOffByAFactorFailsAndTheReportNamesTheIndexAndBothValues() {
    double[] x = {1.5, 0.7};
    GradCheck.Report report = CHECK.check(xSinY(2), x);

    assertThat(report.passed()).isFalse();
    assertThat(report.mismatches()).hasSize(1);
    GradCheck.Mismatch mismatch = report.mismatches().get(0);
    assertThat(mismatch.row()).isEqualTo(0);
    assertThat(mismatch.column()).isEqualTo(1);
    double correct = 1.5 * Math.cos(0.7);
    assertThat(mismatch.expected()).isWithin(1e-8).of(correct);
    assertThat(mismatch.actual()).isEqualTo(2 * correct);
    assertThat(report.maxAbsoluteError()).isWithin(1e-8).of(correct);
    assertThat(report.maxRelativeError()).isWithin(1e-6).of(1.0);

    String text = report.toString();
    assertThat(text).startsWith("FAILED");
    assertThat(text).contains("[1.5, 0.7]");
    assertThat(text)
        .contains(
            "gradient[1]: numerical "
                + mismatch.expected()
                + ", analytical "
                + mismatch.actual());
    assertThat(text).doesNotContain("gradient[0]");
    assertThat(text).contains("1 of 3 entries mismatch");
    assertThat(text).contains(String.valueOf(report.dotProductNumerical()));
    assertThat(text).contains(String.valueOf(report.dotProductAnalytical()));
  }

  @Test
  void swappedComponentsFailAtBothIndices() {
    DifferentiableFunction swapped =
        scalar(
            2,
            GradCheckTest::rosenbrock,
            (p, g) -> {
              rosenbrockGradient(p, g);
              double t = g[0];
              g[0] = g[1];
              g[1] = t;
            });
    GradCheck.Report report = CHECK.check(swapped, -1.2, 1.0);
    assertThat(report.passed()).isFalse();
    assertThat(report.mismatches()).hasSize(2);
    assertThat(report.mismatches().get(0).column()).isEqualTo(0);
    assertThat(report.mismatches().get(1).column()).isEqualTo(1);
    double[] g = new double[2];
    rosenbrockGradient(new double[] {-1.2, 1.0}, g);
    assertThat(report.mismatches().get(0).actual()).isEqualTo(g[1]);
    assertThat(report.mismatches().get(1).actual()).isEqualTo(g[0]);
    assertThat(report.toString()).contains("gradient[0]: numerical ");
    assertThat(report.toString()).contains("analytical " + g[1]);
    assertThat(report.toString()).contains("analytical " + g[0]);
  }

  @Test
  void signFlipInAPullbackFailsAndTheReportNamesOutputAndInput() {
    double[] x = {0.3, -2.0};
    GradCheck.Report report = CHECK.check(productAndSine(-1), x);
    assertThat(report.passed()).isFalse();
    assertThat(report.dotProductPassed()).isFalse();
    assertThat(report.mismatches()).hasSize(1);
    GradCheck.Mismatch mismatch = report.mismatches().get(0);
    assertThat(mismatch.row()).isEqualTo(1);
    assertThat(mismatch.column()).isEqualTo(0);
    assertThat(mismatch.expected()).isWithin(1e-8).of(Math.cos(0.3));
    assertThat(mismatch.actual()).isEqualTo(-Math.cos(0.3));
    String text = report.toString();
    assertThat(text).contains("jacobian[1][0] (output 1, input 0)");
    assertThat(text).contains("numerical " + mismatch.expected());
    assertThat(text).contains("analytical " + mismatch.actual());
    assertThat(text).contains("<pullback(x, v), u> " + report.dotProductAnalytical());
    assertThat(text).contains("MISMATCH");
  }

  @Test
  void gradientTheFunctionFailsToWriteIsAMismatch() {
    DifferentiableFunction lazy =
        scalar(
            2,
            GradCheckTest::rosenbrock,
            (p, g) -> g[0] = -2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] * p[0]));
    GradCheck.Report report = CHECK.check(lazy, 0.5, 0.5);
    assertThat(report.passed()).isFalse();
    assertThat(report.mismatches()).hasSize(1);
    assertThat(report.mismatches().get(0).column()).isEqualTo(1);
    assertThat(report.mismatches().get(0).actual()).isNaN();
  }

  @Test
  void valueAndGradientDisagreeingWithValueIsAMismatch() {
    DifferentiableFunction inconsistent =
        new DifferentiableFunction() {
          @Override
          public int dimension() {
            return 2;
          }

          @Override
          public double value(double[] point) {
            return rosenbrock(point);
          }

          @Override
          public double valueAndGradient(double[] point, double[] gradientOut) {
            rosenbrockGradient(point, gradientOut);
            return rosenbrock(point) + 1;
          }
        };
    GradCheck.Report report = CHECK.check(inconsistent, 1, 1);
    assertThat(report.passed()).isFalse();
    assertThat(report.mismatches()).hasSize(1);
    GradCheck.Mismatch mismatch = report.mismatches().get(0);
    assertThat(mismatch.isValue()).isTrue();
    assertThat(mismatch.column()).isEqualTo(GradCheck.Mismatch.VALUE);
    assertThat(report.toString()).contains("value: value(x) 0.0, valueAndGradient(x) 1.0");
  }

  @Test
  void assertGradientThrowsWithTheReportAsMessage() {
    AssertionError scalarError =
        assertThrows(AssertionError.class, () -> CHECK.assertGradient(xSinY(1.01), 2, 1));
    assertThat(scalarError).hasMessageThat().isEqualTo(CHECK.check(xSinY(1.01), 2, 1).toString());
    assertThat(scalarError).hasMessageThat().contains("gradient[1]");

    AssertionError vectorError =
        assertThrows(
            AssertionError.class, () -> CHECK.assertGradient(productAndSine(-1), 0.1, 0.2));
    assertThat(vectorError)
        .hasMessageThat()
        .isEqualTo(CHECK.check(productAndSine(-1), 0.1, 0.2).toString());

    CHECK.assertGradient(xSinY(1), 2, 1);
    CHECK.assertGradient(productAndSine(1), 0.1, 0.2);
  }

  @Test
  void reportTextIsBoundedToTenMismatchesAndTenCoordinates() {
    int n = 50;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i + 1;
    }
    GradCheck.Report report = CHECK.check(sumOfSquares(n, -1), x);
    assertThat(report.mismatches()).hasSize(n);
    String text = report.toString();
    assertThat(text).contains("gradient[9]:");
    assertThat(text).doesNotContain("gradient[10]:");
    assertThat(text).contains("and 40 more");
    assertThat(text)
        .contains("[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, ... and 40 more]");
    assertThat(text.split("\n", -1).length).isLessThan(20);
  }

  // ---------------------------------------------------------------- dot-product-only path

  @Test
  void largeDimensionRunsOnlyTheDotProductTestAndPassesForACorrectGradient() {
    int n = 1000;
    AtomicInteger values = new AtomicInteger();
    DifferentiableFunction f = sumOfSquares(n, 1);
    DifferentiableFunction counted =
        scalar(
            n,
            x -> {
              values.incrementAndGet();
              return f.value(x);
            },
            (x, g) -> f.valueAndGradient(x, g));
    GradCheck.Report report = CHECK.check(counted, randomPoint(new Random(6), n, -1, 1));
    assertThat(report.passed()).isTrue();
    assertThat(report.fullJacobianChecked()).isFalse();
    assertThat(report.dotProductChecked()).isTrue();
    // valueAndGradient (which calls the value lambda), value(x), then x + eps u and x - eps u:
    // no full sweep of 2n evaluations.
    assertThat(values.get()).isEqualTo(1 + 1 + 2);
    assertThat(report.dotProductAnalytical()).isWithin(1e-6).of(report.dotProductNumerical());
    assertThat(report.toString()).contains("skipped (n = 1000 > fullJacobianLimit 300)");
  }

  @Test
  void largeDimensionDotProductTestFailsForAWrongGradient() {
    int n = 1000;
    double[] x = randomPoint(new Random(7), n, -1, 1);
    GradCheck.Report report = CHECK.check(sumOfSquares(n, 1.01), x);
    assertThat(report.passed()).isFalse();
    assertThat(report.fullJacobianChecked()).isFalse();
    assertThat(report.mismatches()).isEmpty();
    assertThat(report.dotProductPassed()).isFalse();
    assertThat(report.dotProductAnalytical())
        .isWithin(1e-6)
        .of(1.01 * report.dotProductNumerical());
    String text = report.toString();
    assertThat(text)
        .contains(
            "numerical (f(x+eps u) - f(x-eps u)) / (2 eps) " + report.dotProductNumerical());
    assertThat(text).contains("analytical <gradient, u> " + report.dotProductAnalytical());
  }

  @Test
  void dotProductTestCatchesOneBadComponentAmongAThousand() {
    int n = 1000;
    DifferentiableFunction correct = sumOfSquares(n, 1);
    DifferentiableFunction oneBad =
        scalar(
            n,
            correct::value,
            (x, g) -> {
              correct.valueAndGradient(x, g);
              g[500] += 10;
            });
    double[] x = randomPoint(new Random(8), n, -1, 1);
    assertThat(CHECK.check(correct, x).passed()).isTrue();
    assertThat(CHECK.check(oneBad, x).passed()).isFalse();
  }

  @Test
  void largeValuesDoNotFailTheDotProductTestOnRounding() {
    int n = 1000;
    DifferentiableFunction squares = sumOfSquares(n, 1);
    DifferentiableFunction shifted =
        scalar(n, x -> 1e8 + squares.value(x), (x, g) -> squares.valueAndGradient(x, g));
    Random random = new Random(9);
    for (int k = 0; k < 20; k++) {
      GradCheck.Report report = CHECK.withSeed(k).check(shifted, randomPoint(random, n, -1, 1));
      assertThat(report.passed()).isTrue();
    }
    DifferentiableFunction shiftedWrong =
        scalar(
            n,
            x -> 1e8 + squares.value(x),
            (x, g) -> sumOfSquares(n, 1.1).valueAndGradient(x, g));
    assertThat(CHECK.check(shiftedWrong, randomPoint(random, n, -1, 1)).passed()).isFalse();
  }

  @Test
  void largeVectorFunctionRunsOnlyTheDotProductTest() {
    int n = 400;
    AtomicInteger pullbacks = new AtomicInteger();
    BiFunction<Double, Boolean, VectorFunction> squares =
        (factor, count) ->
            vector(
                n,
                n,
                x -> {
                  double[] y = new double[n];
                  for (int i = 0; i < n; i++) {
                    y[i] = x[i] * x[i];
                  }
                  return y;
                },
                (x, v) -> {
                  if (count) {
                    pullbacks.incrementAndGet();
                  }
                  double[] g = new double[n];
                  for (int i = 0; i < n; i++) {
                    g[i] = factor * 2 * x[i] * v[i];
                  }
                  return g;
                });
    double[] x = randomPoint(new Random(10), n, -2, 2);
    GradCheck.Report good = CHECK.check(squares.apply(1.0, true), x);
    assertThat(good.passed()).isTrue();
    assertThat(good.fullJacobianChecked()).isFalse();
    assertThat(pullbacks.get()).isEqualTo(1);
    GradCheck.Report bad = CHECK.check(squares.apply(0.99, false), x);
    assertThat(bad.passed()).isFalse();
    assertThat(bad.dotProductPassed()).isFalse();
  }

  @Test
  void fullJacobianLimitDecidesWhetherTheFullJacobianRuns() {
    double[] x = {1, 2, 3, 4, 5};
    assertThat(CHECK.withFullJacobianLimit(5).check(sumOfSquares(5, 1), x).fullJacobianChecked())
        .isTrue();
    GradCheck.Report dotOnly = CHECK.withFullJacobianLimit(4).check(sumOfSquares(5, 1), x);
    assertThat(dotOnly.fullJacobianChecked()).isFalse();
    assertThat(dotOnly.comparedEntries()).isEqualTo(1); // only the value

    AtomicInteger values = new AtomicInteger();
    int n = 301;
    DifferentiableFunction f = sumOfSquares(n, 1);
    DifferentiableFunction counted =
        scalar(
            n,
            p -> {
              values.incrementAndGet();
              return f.value(p);
            },
            (p, g) -> f.valueAndGradient(p, g));
    GradCheck.Report full =
        CHECK.withFullJacobianLimit(1000).check(counted, randomPoint(new Random(11), n, -1, 1));
    assertThat(full.fullJacobianChecked()).isTrue();
    assertThat(full.passed()).isTrue();
    // valueAndGradient (which calls the value lambda), value(x), 2n columns, the dot-product pair
    assertThat(values.get()).isEqualTo(1 + 1 + 2 * n + 2);
  }

  @Test
  void sameSeedGivesTheSameDirectionAndOtherSeedsOtherDirections() {
    double[] x = {0.3, -0.4};
    GradCheck.Report a = CHECK.withSeed(1).check(ROSENBROCK, x);
    GradCheck.Report b = CHECK.withSeed(1).check(ROSENBROCK, x);
    GradCheck.Report c = CHECK.withSeed(2).check(ROSENBROCK, x);
    assertThat(a.dotProductAnalytical()).isEqualTo(b.dotProductAnalytical());
    assertThat(a.dotProductNumerical()).isEqualTo(b.dotProductNumerical());
    assertThat(a.dotProductAnalytical()).isNotEqualTo(c.dotProductAnalytical());
  }

  // ---------------------------------------------------------------- NaN and infinities

  @Test
  void nanOnBothSidesIsAMatch() {
    // sqrt(x) at x < 0: the value, its difference quotient and its derivative are all NaN.
    DifferentiableFunction sqrt =
        scalar(1, p -> Math.sqrt(p[0]), (p, g) -> g[0] = 0.5 / Math.sqrt(p[0]));
    GradCheck.Report report = CHECK.check(sqrt, -1);
    assertThat(report.passed()).isTrue();
    assertThat(report.dotProductNumerical()).isNaN();
    assertThat(report.dotProductAnalytical()).isNaN();
    assertThat(report.maxAbsoluteError()).isEqualTo(0.0);
  }

  @Test
  void nanAnalyticalWhereTheNumericalIsFiniteIsAMismatch() {
    DifferentiableFunction f =
        scalar(
            2,
            GradCheckTest::rosenbrock,
            (p, g) -> {
              rosenbrockGradient(p, g);
              g[1] = Double.NaN;
            });
    GradCheck.Report report = CHECK.check(f, 0.5, 0.5);
    assertThat(report.passed()).isFalse();
    assertThat(report.mismatches()).hasSize(1);
    assertThat(report.mismatches().get(0).column()).isEqualTo(1);
    assertThat(report.mismatches().get(0).absoluteError()).isPositiveInfinity();
    assertThat(report.maxAbsoluteError()).isPositiveInfinity();
    assertThat(report.dotProductPassed()).isFalse();
    assertThat(report.toString()).contains("gradient[1]: numerical ");
    assertThat(report.toString()).contains("analytical NaN");
  }

  @Test
  void nanNumericalWhereTheAnalyticalIsFiniteIsAMismatch() {
    // Defined as x up to 1 and NaN beyond: at x = 1 the central difference is NaN.
    DifferentiableFunction f = scalar(1, p -> p[0] <= 1 ? p[0] : Double.NaN, (p, g) -> g[0] = 1);
    GradCheck.Report report = CHECK.check(f, 1);
    assertThat(report.passed()).isFalse();
    assertThat(report.mismatches()).hasSize(1);
    assertThat(report.mismatches().get(0).expected()).isNaN();
    assertThat(report.mismatches().get(0).actual()).isEqualTo(1.0);
    assertThat(report.toString()).contains("gradient[0]: numerical NaN, analytical 1.0");
    assertThat(CHECK.check(f, 0.5).passed()).isTrue();
  }

  @Test
  void equalInfinitiesMatchAndUnequalOnesDoNot() {
    DifferentiableFunction infinite =
        scalar(1, p -> p[0], (p, g) -> g[0] = Double.POSITIVE_INFINITY);
    DifferentiableFunction alsoInfinite =
        scalar(1, p -> p[0], (p, g) -> g[0] = Double.POSITIVE_INFINITY);
    DifferentiableFunction negative =
        scalar(1, p -> p[0], (p, g) -> g[0] = Double.NEGATIVE_INFINITY);
    DifferentiableFunction finite = scalar(1, p -> p[0], (p, g) -> g[0] = 1e300);
    assertThat(CHECK.compare(infinite, alsoInfinite, 2).passed()).isTrue();
    assertThat(CHECK.compare(infinite, negative, 2).passed()).isFalse();
    assertThat(CHECK.compare(finite, infinite, 2).passed()).isFalse();
    assertThat(CHECK.compare(finite, infinite, 2).maxRelativeError()).isPositiveInfinity();
  }

  // ---------------------------------------------------------------- errors where the reference is ~0

  @Test
  void aNumericalZeroDoesNotMakeARoundingSizedDifferenceEnormous() {
    // f(x) = x^2 at 0: the central difference is exactly 0; the analytical 1e-9 is rounding-sized.
    // Divided by |0| (or by Double.MIN_NORMAL), that was a relative error of about 4e298.
    DifferentiableFunction f = scalar(1, p -> p[0] * p[0], (p, g) -> g[0] = 2 * p[0] + 1e-9);
    GradCheck.Report report = CHECK.check(f, 0.0);
    assertThat(report.passed()).isTrue();
    assertThat(report.maxAbsoluteError()).isWithin(1e-15).of(1e-9);
    // on the scale atol / rtol = 1e-5 / 1e-3 = 0.01, where the tolerance is mostly absolute
    assertThat(report.maxRelativeError()).isWithin(1e-12).of(1e-9 / 0.01);
    assertThat(report.toString())
        .contains("(relative to max(|reference|, atol/rtol = 0.01)) (dot-product test included)");
  }

  @Test
  void aCorrectGradientOfAboutZeroHasASmallRelativeError() {
    // x^3 at 0: the central difference is eps^2 = 1e-12 (the dot-product test's 1e-8), the
    // gradient 0; relative to |1e-12| that was 100 %; on the scale 0.01, it is 1e-6.
    DifferentiableFunction f =
        scalar(1, p -> p[0] * p[0] * p[0], (p, g) -> g[0] = 3 * p[0] * p[0]);
    GradCheck.Report report = CHECK.check(f, 0.0);
    assertThat(report.passed()).isTrue();
    assertThat(report.maxRelativeError()).isWithin(1e-9).of(1e-6);
  }

  @Test
  void aMismatchAtAZeroReferenceReportsItsErrorOnTheAbsoluteScale() {
    // The true gradient at 0 is 0; a wrong 0.5 is an absolute error of 0.5, 50 times the scale.
    DifferentiableFunction f = scalar(1, p -> p[0] * p[0], (p, g) -> g[0] = 2 * p[0] + 0.5);
    GradCheck.Report report = CHECK.check(f, 0.0);
    assertThat(report.passed()).isFalse();
    GradCheck.Mismatch mismatch = report.mismatches().get(0);
    assertThat(mismatch.expected()).isEqualTo(0.0);
    assertThat(mismatch.scale()).isWithin(1e-18).of(0.01);
    assertThat(mismatch.referenceBelowScale()).isTrue();
    assertThat(mismatch.relativeError()).isWithin(1e-12).of(50.0);
    assertThat(report.toString())
        .contains("gradient[0]: numerical 0.0, analytical 0.5 (abs error 0.5, rel error 50.0,"
            + " relative to atol/rtol = 0.01 since |numerical| is below it)");
  }

  @Test
  void aboveTheScaleTheRelativeErrorIsThePlainOne() {
    GradCheck.Mismatch large = new GradCheck.Mismatch(0, 0, 4.0, 5.0, 0.01);
    assertThat(large.relativeError()).isEqualTo(0.25);
    assertThat(large.referenceBelowScale()).isFalse();
    // Pure tolerances (atol or rtol zero) keep the plain relative error.
    GradCheck pure = CHECK.withTolerances(0, 1e-3);
    DifferentiableFunction f = scalar(1, p -> p[0] * p[0], (p, g) -> g[0] = 2 * p[0] + 1e-9);
    assertThat(pure.check(f, 0.0).maxRelativeError()).isGreaterThan(1e290);
    assertThat(new GradCheck.Mismatch(0, 0, 0.0, 1.0).relativeError())
        .isEqualTo(1 / Double.MIN_NORMAL);
  }

  // ---------------------------------------------------------------- tolerances and steps

  @Test
  void tolerancesChangeTheVerdict() {
    DifferentiableFunction slightlyOff = xSinY(1 + 5e-3);
    double[] x = {2, 0.5};
    assertThat(CHECK.check(slightlyOff, x).passed()).isFalse();
    assertThat(CHECK.withTolerances(1e-5, 1e-2).check(slightlyOff, x).passed()).isTrue();

    DifferentiableFunction offset =
        scalar(
            2,
            GradCheckTest::rosenbrock,
            (p, g) -> {
              rosenbrockGradient(p, g);
              g[0] += 5e-5;
            });
    // At (1, 1) the gradient is zero, so only atol can absorb the offset.
    assertThat(CHECK.check(offset, 1, 1).passed()).isFalse();
    assertThat(CHECK.withTolerances(1e-4, 1e-3).check(offset, 1, 1).passed()).isTrue();

    // With no tolerance at all, the rounding error of central differences fails even a correct
    // gradient of a nonlinear function.
    assertThat(CHECK.withTolerances(0, 0).check(xSinY(1), 2, 0.5).mismatches()).isNotEmpty();
  }

  @Test
  void aLargeStepMakesTheTruncationErrorOfCentralDifferencesVisible() {
    // x^3 at 1: the central difference with step h is 3 + h^2, so h = 0.1 is off by 1e-2.
    DifferentiableFunction cube =
        scalar(1, p -> p[0] * p[0] * p[0], (p, g) -> g[0] = 3 * p[0] * p[0]);
    assertThat(CHECK.check(cube, 1).passed()).isTrue();
    GradCheck.Report coarse = CHECK.withEps(0.1).check(cube, 1);
    assertThat(coarse.passed()).isFalse();
    assertThat(coarse.mismatches().get(0).expected()).isWithin(1e-9).of(3.01);
    assertThat(coarse.dotProductPassed()).isTrue();

    GradCheck.Report coarseDot =
        CHECK.withFullJacobianLimit(0).withDotProductEps(0.1).check(cube, 1);
    assertThat(coarseDot.fullJacobianChecked()).isFalse();
    assertThat(coarseDot.dotProductPassed()).isFalse();
  }

  // ---------------------------------------------------------------- compare

  @Test
  void compareMatchesTwoEqualGradientsAndFlagsDifferentOnes() {
    DifferentiableFunction body = xSinY(1);
    DifferentiableFunction rule = xSinY(1);
    Random random = new Random(12);
    for (int k = 0; k < 50; k++) {
      GradCheck.Report report = CHECK.compare(rule, body, randomPoint(random, 2, -3, 3));
      assertThat(report.passed()).isTrue();
      assertThat(report.dotProductChecked()).isFalse();
      assertThat(report.maxAbsoluteError()).isEqualTo(0.0);
    }
    GradCheck.Report report = CHECK.compare(xSinY(-1), body, 1, 1);
    assertThat(report.passed()).isFalse();
    assertThat(report.mismatches()).hasSize(1);
    assertThat(report.mismatches().get(0).expected()).isEqualTo(Math.cos(1));
    assertThat(report.mismatches().get(0).actual()).isEqualTo(-Math.cos(1));
    assertThat(report.toString())
        .contains("gradient[1]: b " + Math.cos(1) + ", a " + -Math.cos(1));
  }

  @Test
  void compareFlagsDifferentValues() {
    DifferentiableFunction a = scalar(1, p -> p[0] + 1, (p, g) -> g[0] = 1);
    DifferentiableFunction b = scalar(1, p -> p[0], (p, g) -> g[0] = 1);
    GradCheck.Report report = CHECK.compare(a, b, 3);
    assertThat(report.passed()).isFalse();
    assertThat(report.mismatches()).hasSize(1);
    assertThat(report.mismatches().get(0).isValue()).isTrue();
    assertThat(report.toString()).contains("value: b 3.0, a 4.0");
  }

  @Test
  void compareRejectsDifferentDimensions() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CHECK.compare(ROSENBROCK, sumOfSquares(3, 1), 1, 2));
  }

  // ---------------------------------------------------------------- arrays

  @Test
  void theCallersPointIsNeverHandedOutNorModified() {
    double[] point = {0.25, -0.75};
    double[] original = point.clone();
    List<double[]> seen = new ArrayList<>();
    // A badly behaved function that scribbles over its argument after reading it.
    DifferentiableFunction scribbler =
        new DifferentiableFunction() {
          @Override
          public int dimension() {
            return 2;
          }

          @Override
          public double value(double[] p) {
            seen.add(p);
            double value = rosenbrock(p);
            p[0] = 99;
            return value;
          }

          @Override
          public double valueAndGradient(double[] p, double[] g) {
            seen.add(p);
            double value = rosenbrock(p);
            rosenbrockGradient(p, g);
            p[1] = -99;
            return value;
          }
        };
    GradCheck.Report report = CHECK.check(scribbler, point);
    assertThat(report.passed()).isTrue();
    assertThat(point).isEqualTo(original);
    for (double[] p : seen) {
      assertThat(p).isNotSameInstanceAs(point);
    }
    assertThat(report.point()).isEqualTo(original);
    report.point()[0] = 42;
    assertThat(report.point()).isEqualTo(original);

    assertThat(CHECK.compare(scribbler, ROSENBROCK, point).passed()).isTrue();
    assertThat(point).isEqualTo(original);
  }

  @Test
  void theCallersPointIsNotModifiedByAVectorCheck() {
    double[] point = {0.25, -0.75};
    double[] original = point.clone();
    VectorFunction scribbler =
        vector(
            2,
            2,
            p -> {
              double[] y = productAndSine(1).value(p);
              p[0] = 99;
              return y;
            },
            (p, v) -> {
              double[] g = productAndSine(1).pullback(p, v);
              p[1] = -99;
              v[0] = 99;
              return g;
            });
    assertThat(CHECK.check(scribbler, point).passed()).isTrue();
    assertThat(point).isEqualTo(original);
  }

  // ---------------------------------------------------------------- forward against reverse

  /** A function whose jvp is not its gradient's: the forward-against-reverse test fails. */
  @Test
  void aJvpThatDisagreesWithTheGradientFails() {
    DifferentiableFunction wrong = new DifferentiableFunction() {
      @Override
      public int dimension() {
        return 2;
      }

      @Override
      public double value(double[] p) {
        return rosenbrock(p);
      }

      @Override
      public double valueAndGradient(double[] p, double[] g) {
        rosenbrockGradient(p, g);
        return rosenbrock(p);
      }

      @Override
      public double jvp(double[] p, double[] u) {
        double[] g = new double[2];
        rosenbrockGradient(p, g);
        return g[0] * u[0] - g[1] * u[1]; // a sign wrong
      }
    };
    GradCheck.Report report = CHECK.check(wrong, 0.3, -0.4);
    assertThat(report.passed()).isFalse();
    assertThat(report.mismatches()).hasSize(1);
    assertThat(report.mismatches().get(0).isJvp()).isTrue();
    assertThat(report.toString()).contains("forward against reverse along u");
  }

  /** The default jvp is the gradient's dot product (so GradCheck does not compare it). */
  @Test
  void theDefaultJvpIsTheGradientsDotProduct() {
    DifferentiableFunction f = scalar(2, GradCheckTest::rosenbrock, GradCheckTest::rosenbrockGradient);
    assertThat(CHECK.check(f, 0.3, -0.4).passed()).isTrue();
    double[] g = new double[2];
    rosenbrockGradient(new double[] {0.3, -0.4}, g);
    assertThat(f.jvp(new double[] {0.3, -0.4}, new double[] {2, 0}))
        .isEqualTo(2 * g[0]);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> f.jvp(new double[] {0.3, -0.4}, new double[3]));
    assertThat(e).hasMessageThat().contains("expected a direction of length 2");
  }

  /** (x*y, sin x) with its own jvp and valueAndJacobian, each possibly wrong by {@code sign}. */
  private static VectorFunction productAndSineForward(double jvpSign, double jacobianSign) {
    VectorFunction pullbacks = productAndSine(1);
    return new VectorFunction() {
      @Override
      public int inputDimension() {
        return 2;
      }

      @Override
      public int outputDimension() {
        return 2;
      }

      @Override
      public double[] value(double[] p) {
        return pullbacks.value(p);
      }

      @Override
      public double[] pullback(double[] p, double[] v) {
        return pullbacks.pullback(p, v);
      }

      @Override
      public double[] jvp(double[] p, double[] u) {
        return new double[] {u[0] * p[1] + p[0] * u[1], jvpSign * Math.cos(p[0]) * u[0]};
      }

      @Override
      public ValueAndJacobian valueAndJacobian(double[] p) {
        return new ValueAndJacobian(value(p),
            new double[][] {{p[1], p[0]}, {jacobianSign * Math.cos(p[0]), 0}});
      }
    };
  }

  /** The defaults of a vector function are its pullbacks': m of them, closed forms. */
  @Test
  void theDefaultJvpAndJacobianOfAVectorFunctionAreItsPullbacks() {
    VectorFunction f = productAndSine(1);
    double[] p = {0.7, -1.3};
    VectorFunction.ValueAndJacobian vj = f.valueAndJacobian(p);
    assertThat(vj.value()).usingExactEquality().containsExactly(0.7 * -1.3, Math.sin(0.7))
        .inOrder();
    assertThat(vj.jacobian()[0]).usingExactEquality().containsExactly(-1.3, 0.7).inOrder();
    assertThat(vj.jacobian()[1]).usingExactEquality().containsExactly(Math.cos(0.7), 0.0)
        .inOrder();
    assertThat(f.jvp(p, new double[] {2, 0.5})).usingTolerance(1e-15)
        .containsExactly(2 * -1.3 + 0.5 * 0.7, 2 * Math.cos(0.7)).inOrder();
    assertThat(p).usingExactEquality().containsExactly(0.7, -1.3).inOrder();
    assertThat(vj.toString()).contains("jacobian=[[-1.3, 0.7], [");
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> f.jvp(p, new double[3]));
    assertThat(e).hasMessageThat().contains("expected a direction of length 2");
    // Only a function's own jvp is compared with its pullbacks.
    assertThat(CHECK.check(f, p).passed()).isTrue();
  }

  /** A vector function's own jvp and Jacobian are checked: right passes, each wrong one fails. */
  @Test
  void aVectorFunctionsOwnJvpAndJacobianAreChecked() {
    assertThat(CHECK.check(productAndSineForward(1, 1), 0.7, -1.3).passed()).isTrue();

    GradCheck.Report jvp = CHECK.check(productAndSineForward(-1, 1), 0.7, -1.3);
    assertThat(jvp.passed()).isFalse();
    assertThat(jvp.mismatches()).hasSize(1);
    assertThat(jvp.mismatches().get(0).isJvp()).isTrue();
    assertThat(jvp.toString()).contains("<v, jvp(x, u)>");

    GradCheck.Report jacobian = CHECK.check(productAndSineForward(1, -1), 0.7, -1.3);
    assertThat(jacobian.passed()).isFalse();
    assertThat(jacobian.mismatches()).hasSize(1);
    GradCheck.Mismatch m = jacobian.mismatches().get(0);
    assertThat(m.row()).isEqualTo(1);
    assertThat(m.column()).isEqualTo(0);
    assertThat(m.actual()).isEqualTo(-Math.cos(0.7));

    // Without the full Jacobian, its own Jacobian is still checked, along the test's directions.
    GradCheck dotOnly = CHECK.withFullJacobianLimit(0);
    assertThat(dotOnly.check(productAndSineForward(1, 1), 0.7, -1.3).passed()).isTrue();
    GradCheck.Report along = dotOnly.check(productAndSineForward(1, -1), 0.7, -1.3);
    assertThat(along.passed()).isFalse();
    assertThat(along.mismatches()).hasSize(1);
    assertThat(along.mismatches().get(0).column()).isEqualTo(GradCheck.Mismatch.JACOBIAN_ALONG_U);
    assertThat(along.toString()).contains("<v, J(x) u>");
  }
}
