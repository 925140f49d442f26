package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Straight-line code: assignments, compound assignments, casts, int and long arithmetic, {@code %},
 * constants and fields, unannotated helpers, {@code stopGradient}, unused and constant results.
 */
final class StatementsTest extends GeneratedGradientTest {

  @Override
  List<Subject> subjects() {
    List<Subject> subjects = new ArrayList<>();
    subjects.add(
        Subject.named("compound", "x", "y")
            .primal(p -> Statements.compound(p[0], p[1]))
            .generated(
                p -> StatementsAdjoint.compoundGrad(p[0], p[1]),
                p -> StatementsAdjoint.compoundValueAndGrad(p[0], p[1]),
                p -> StatementsAdjoint.compoundVjp(p[0], p[1]),
                StatementsAdjoint.compoundFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(
                p -> {
                  // ((x + y^2) x - sin y) / (1 + x^2)
                  double x = p[0], y = p[1];
                  double numerator = (x + y * y) * x - Math.sin(y);
                  double denominator = 1 + x * x;
                  return new double[] {
                    (2 * x + y * y) / denominator - numerator * 2 * x / (denominator * denominator),
                    (2 * x * y - Math.cos(y)) / denominator
                  };
                })
            .build());
    subjects.add(
        Subject.named("reassignParams", "x", "y")
            .primal(p -> Statements.reassignParams(p[0], p[1]))
            .generated(
                p -> StatementsAdjoint.reassignParamsGrad(p[0], p[1]),
                p -> StatementsAdjoint.reassignParamsValueAndGrad(p[0], p[1]),
                p -> StatementsAdjoint.reassignParamsVjp(p[0], p[1]),
                StatementsAdjoint.reassignParamsFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(
                p -> {
                  // b (y + b) with b = sin(x^2)
                  double x = p[0], y = p[1];
                  double b = Math.sin(x * x);
                  return new double[] {(y + 2 * b) * Math.cos(x * x) * 2 * x, b};
                })
            .build());
    subjects.add(
        Subject.named("localsReassigned", "x", "y")
            .primal(p -> Statements.localsReassigned(p[0], p[1]))
            .generated(
                p -> StatementsAdjoint.localsReassignedGrad(p[0], p[1]),
                p -> StatementsAdjoint.localsReassignedValueAndGrad(p[0], p[1]),
                p -> StatementsAdjoint.localsReassignedVjp(p[0], p[1]),
                StatementsAdjoint.localsReassignedFunction())
            .on(Domain.box(-1.5, 1.5, -1.5, 1.5))
            .closedForm(
                p -> {
                  // x y e^(x y) - (x y)^2 + x
                  double x = p[0], y = p[1];
                  double e = Math.exp(x * y);
                  return new double[] {
                    y * e * (1 + x * y) - 2 * x * y * y + 1, x * e * (1 + x * y) - 2 * x * x * y
                  };
                })
            .build());
    for (int n : new int[] {3, -2, 0}) {
      subjects.add(
          Subject.named("promotion(n = " + n + ")", "x")
              .primal(p -> Statements.promotion(p[0], n))
              .generated(
                  p -> StatementsAdjoint.promotionGrad(p[0], n),
                  p -> StatementsAdjoint.promotionValueAndGrad(p[0], n),
                  p -> StatementsAdjoint.promotionVjp(p[0], n),
                  StatementsAdjoint.promotionFunction(n))
              .on(Domain.box(-3, 3))
              .closedForm(
                  p -> new double[] {n == 0 ? 2 * p[0] : (2 * n + 1) + 2 * n * p[0] + 1.0 / n})
              .build());
    }
    subjects.add(
        Subject.named("casts", "x", "y")
            .primal(p -> Statements.casts(p[0], p[1]))
            .generated(
                p -> StatementsAdjoint.castsGrad(p[0], p[1]),
                p -> StatementsAdjoint.castsValueAndGrad(p[0], p[1]),
                p -> StatementsAdjoint.castsVjp(p[0], p[1]),
                StatementsAdjoint.castsFunction())
            // (int) y is a step function of y: stay off the integers.
            .on(Domain.box(-2, 2, -3, 3).where(p -> Domain.offGrid(p[1], 1)))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double truncated = y < 0 ? Math.ceil(y) : Math.floor(y);
                  return new double[] {3.5 + 2 * truncated * x + y, x + 2};
                })
            .build());
    for (long[] nk : new long[][] {{7, 3}, {-4, 9}}) {
      long n = nk[0];
      int k = (int) nk[1];
      subjects.add(
          Subject.named("longArithmetic(n = " + n + ", k = " + k + ")", "x")
              .primal(p -> Statements.longArithmetic(p[0], n, k))
              .generated(
                  p -> StatementsAdjoint.longArithmeticGrad(p[0], n, k),
                  p -> StatementsAdjoint.longArithmeticValueAndGrad(p[0], n, k),
                  p -> StatementsAdjoint.longArithmeticVjp(p[0], n, k),
                  StatementsAdjoint.longArithmeticFunction(n, k))
              .on(Domain.box(-2, 2))
              .closedForm(
                  p -> {
                    // m = n k + 3, value (m / 2) x^2 + (m rem 5) x + const
                    long m = n * k + 3;
                    return new double[] {m * p[0] + (m % 5)};
                  })
              .build());
    }
    subjects.add(
        Subject.named("remainder", "x", "y")
            .primal(p -> Statements.remainder(p[0], p[1]))
            .generated(
                p -> StatementsAdjoint.remainderGrad(p[0], p[1]),
                p -> StatementsAdjoint.remainderValueAndGrad(p[0], p[1]),
                p -> StatementsAdjoint.remainderVjp(p[0], p[1]),
                StatementsAdjoint.remainderFunction())
            // x % y jumps where x / y is an integer.
            .on(
                Domain.box(-5, 5, -2, 2)
                    .where(
                        p ->
                            Math.abs(p[1]) > 0.5
                                && Math.abs(p[0] - p[1] * Math.rint(p[0] / p[1])) > Domain.MARGIN))
            .closedForm(
                p -> {
                  // x % y = x - y q with q = x / y rounded toward zero
                  double x = p[0], y = p[1];
                  double q = x / y < 0 ? Math.ceil(x / y) : Math.floor(x / y);
                  double rem = x - y * q;
                  return new double[] {rem + x, -q * x};
                })
            .branches(
                p -> (p[1] > 0 ? "y > 0" : "y < 0") + (p[0] > 0 ? ", x > 0" : ", x < 0"),
                "y < 0, x < 0",
                "y < 0, x > 0",
                "y > 0, x < 0",
                "y > 0, x > 0")
            .build());
    // n -> k = (int) (1.5 n); value ((x + m) k - 1/4) / n with m an integer: slope k / n
    for (int[] nk : new int[][] {{3, 4}, {-3, -4}, {5, 7}}) {
      int n = nk[0];
      double slope = (double) nk[1] / n;
      subjects.add(
          Subject.named("narrowingCompound(n = " + n + ")", "x")
              .primal(p -> Statements.narrowingCompound(p[0], n))
              .generated(
                  p -> StatementsAdjoint.narrowingCompoundGrad(p[0], n),
                  p -> StatementsAdjoint.narrowingCompoundValueAndGrad(p[0], n),
                  p -> StatementsAdjoint.narrowingCompoundVjp(p[0], n),
                  StatementsAdjoint.narrowingCompoundFunction(n))
              // m = (long) (k + x) jumps where x is an integer.
              .on(Domain.box(-2, 2).where(p -> Domain.offGrid(p[0], 1)))
              .closedForm(p -> new double[] {slope})
              .build());
    }
    subjects.add(
        Subject.named("selfReferencingHoisted", "x", "y")
            .primal(p -> Statements.selfReferencingHoisted(p[0], p[1]))
            .generated(
                p -> StatementsAdjoint.selfReferencingHoistedGrad(p[0], p[1]),
                p -> StatementsAdjoint.selfReferencingHoistedValueAndGrad(p[0], p[1]),
                p -> StatementsAdjoint.selfReferencingHoistedVjp(p[0], p[1]),
                StatementsAdjoint.selfReferencingHoistedFunction())
            .on(Domain.box(-1.5, 1.5, -1.5, 1.5).where(p -> Domain.apart(p[1], 0)))
            .closedForm(
                p -> {
                  // u = e^x x + sin(x y); y > 0: u^2 y; y < 0: -u y
                  double x = p[0], y = p[1];
                  double u = Math.exp(x) * x + Math.sin(x * y);
                  double du = Math.exp(x) * (1 + x) + y * Math.cos(x * y);
                  double dv = x * Math.cos(x * y);
                  return y > 0
                      ? new double[] {2 * u * y * du, u * u + 2 * u * y * dv}
                      : new double[] {-y * du, -u - y * dv};
                })
            .branches(p -> p[1] > 0 ? "y > 0" : "y < 0", "y < 0", "y > 0")
            .build());
    subjects.add(
        Subject.named("overwrittenInBranch", "x", "y")
            .primal(p -> Statements.overwrittenInBranch(p[0], p[1]))
            .generated(
                p -> StatementsAdjoint.overwrittenInBranchGrad(p[0], p[1]),
                p -> StatementsAdjoint.overwrittenInBranchValueAndGrad(p[0], p[1]),
                p -> StatementsAdjoint.overwrittenInBranchVjp(p[0], p[1]),
                StatementsAdjoint.overwrittenInBranchFunction())
            .on(Domain.box(-2, 2, -2, 2).where(p -> Domain.apart(p[1], 0)))
            .closedForm(
                p -> {
                  // y sin x + (y > 0 ? 9 x^2 : sin^2 x)
                  double x = p[0], y = p[1];
                  double dx = y * Math.cos(x) + (y > 0 ? 18 * x : 2 * Math.sin(x) * Math.cos(x));
                  return new double[] {dx, Math.sin(x)};
                })
            .branches(p -> p[1] > 0 ? "y > 0" : "y < 0", "y < 0", "y > 0")
            .build());
    subjects.add(
        Subject.named("siblingScopes", "x")
            .primal(p -> Statements.siblingScopes(p[0]))
            .generated(
                p -> StatementsAdjoint.siblingScopesGrad(p[0]),
                p -> StatementsAdjoint.siblingScopesValueAndGrad(p[0]),
                p -> StatementsAdjoint.siblingScopesVjp(p[0]),
                StatementsAdjoint.siblingScopesFunction())
            .on(Domain.box(-2, 2).where(p -> Domain.apart(p[0], 0)))
            .closedForm(
                p -> {
                  // (r + x) r with r = x^2 or 2 sin x
                  double x = p[0];
                  double r = x > 0 ? x * x : 2 * Math.sin(x);
                  double dr = x > 0 ? 2 * x : 2 * Math.cos(x);
                  return new double[] {2 * r * dr + r + x * dr};
                })
            .branches(p -> p[0] > 0 ? "x > 0" : "x < 0", "x < 0", "x > 0")
            .build());
    subjects.add(constantsSubject());
    for (int n : new int[] {3, -5}) {
      subjects.add(
          Subject.named("unannotatedCalls(n = " + n + ")", "x")
              .primal(p -> Statements.unannotatedCalls(p[0], n))
              .generated(
                  p -> StatementsAdjoint.unannotatedCallsGrad(p[0], n),
                  p -> StatementsAdjoint.unannotatedCallsValueAndGrad(p[0], n),
                  p -> StatementsAdjoint.unannotatedCallsVjp(p[0], n),
                  StatementsAdjoint.unannotatedCallsFunction(n))
              .on(Domain.box(-3, 3))
              .closedForm(
                  p -> {
                    double half = n / 2.0;
                    double floorMod3 = ((n % 3) + 3) % 3;
                    return new double[] {
                      2 * p[0] / (1 + n * n) + half * half + (n > 2 ? n : 2) + floorMod3
                    };
                  })
              .build());
    }
    subjects.add(
        Subject.named("stopGradient", "x", "y")
            .primal(p -> Statements.stopGradient(p[0], p[1]))
            .generated(
                p -> StatementsAdjoint.stopGradientGrad(p[0], p[1]),
                p -> StatementsAdjoint.stopGradientValueAndGrad(p[0], p[1]),
                p -> StatementsAdjoint.stopGradientVjp(p[0], p[1]),
                StatementsAdjoint.stopGradientFunction())
            .on(Domain.box(-2, 2, -2, 2))
            // (x - b) y + s x with b = x y and s = sin x held constant
            .closedForm(p -> new double[] {p[1] + Math.sin(p[0]), p[0] - p[0] * p[1]})
            .frozenModel(
                at -> {
                  double baseline = at[0] * at[1];
                  double sine = Math.sin(at[0]);
                  return p -> (p[0] - baseline) * p[1] + sine * p[0];
                })
            .build());
    subjects.add(
        Subject.named("ignoresY", "x", "y")
            .primal(p -> Statements.ignoresY(p[0], p[1]))
            .generated(
                p -> StatementsAdjoint.ignoresYGrad(p[0], p[1]),
                p -> StatementsAdjoint.ignoresYValueAndGrad(p[0], p[1]),
                p -> StatementsAdjoint.ignoresYVjp(p[0], p[1]),
                StatementsAdjoint.ignoresYFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(p -> new double[] {3 * Math.cos(p[0]), 0})
            .build());
    subjects.add(
        Subject.named("constantResult", "x", "y")
            .primal(p -> Statements.constantResult(p[0], p[1]))
            .generated(
                p -> StatementsAdjoint.constantResultGrad(p[0], p[1]),
                p -> StatementsAdjoint.constantResultValueAndGrad(p[0], p[1]),
                p -> StatementsAdjoint.constantResultVjp(p[0], p[1]),
                StatementsAdjoint.constantResultFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(p -> new double[] {0, 0})
            .build());
    return subjects;
  }

  private static Subject constantsSubject() {
    return Subject.named("constants", "x")
        .primal(p -> Statements.constants(p[0]))
        .generated(
            p -> StatementsAdjoint.constantsGrad(p[0]),
            p -> StatementsAdjoint.constantsValueAndGrad(p[0]),
            p -> StatementsAdjoint.constantsVjp(p[0]),
            StatementsAdjoint.constantsFunction())
        .on(Domain.box(-3, 3))
        // 2.5 x^2 + gain x + 3 + pi e x + sqrt(2) x
        .closedForm(
            p -> new double[] {5 * p[0] + Statements.gain + Math.PI * Math.E + Math.sqrt(2)})
        .build();
  }

  @Test
  void ignoredParameterHasExactlyZeroGradient() {
    Random random = new Random(11);
    for (int i = 0; i < POINTS; i++) {
      double x = 4 * random.nextDouble() - 2;
      double y = 4 * random.nextDouble() - 2;
      StatementsAdjoint.IgnoresYGrad g = StatementsAdjoint.ignoresYGrad(x, y);
      assertWithMessage("d/dy at (%s, %s)", x, y).that(g.y()).isZero();
      assertWithMessage("pullback d/dy at (%s, %s)", x, y)
          .that(StatementsAdjoint.ignoresYVjp(x, y).pullback(-3.0).y())
          .isZero();
    }
  }

  @Test
  void constantResultHasExactlyZeroGradient() {
    Random random = new Random(12);
    for (int i = 0; i < POINTS; i++) {
      double x = 4 * random.nextDouble() - 2;
      double y = 4 * random.nextDouble() - 2;
      StatementsAdjoint.ConstantResultValueAndGrad r =
          StatementsAdjoint.constantResultValueAndGrad(x, y);
      assertWithMessage("value at (%s, %s)", x, y).that(r.value()).isEqualTo(2 * Math.PI + 3);
      assertWithMessage("d/dx at (%s, %s)", x, y).that(r.grad().x()).isZero();
      assertWithMessage("d/dy at (%s, %s)", x, y).that(r.grad().y()).isZero();
    }
  }

  /** A mutable static field is read when the gradient is computed, not when it was generated. */
  @Test
  void mutableStaticFieldIsReadAtRunTime() {
    double saved = Statements.gain;
    try {
      for (double gain : new double[] {-4.25, 0.0, 17.5}) {
        Statements.gain = gain;
        double x = 0.75;
        double expected = 5 * x + gain + Math.PI * Math.E + Math.sqrt(2);
        assertWithMessage("gain = %s", gain)
            .that(StatementsAdjoint.constantsGrad(x).x())
            .isWithin(1e-12)
            .of(expected);
        assertWithMessage("gain = %s: value", gain)
            .that(StatementsAdjoint.constantsValueAndGrad(x).value())
            .isEqualTo(Statements.constants(x));
      }
    } finally {
      Statements.gain = saved;
    }
  }

  /**
   * Reading a mutable field is impure: it runs once, in the forward sweep, and the pullback uses
   * the recorded value even if the field changed since.
   */
  @Test
  void mutableStaticFieldIsRecordedByTheForwardSweep() {
    double saved = Statements.gain;
    try {
      double x = -1.25;
      Statements.gain = 2.0;
      StatementsAdjoint.ConstantsVjp vjp = StatementsAdjoint.constantsVjp(x);
      double before = vjp.pullback(1.0).x();
      Statements.gain = -100.0;
      assertThat(vjp.pullback(1.0).x()).isEqualTo(before);
      assertThat(before).isWithin(1e-12).of(5 * x + 2.0 + Math.PI * Math.E + Math.sqrt(2));
    } finally {
      Statements.gain = saved;
    }
  }
}
