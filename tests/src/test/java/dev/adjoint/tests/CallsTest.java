package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.tests.lib.Kernels;
import dev.adjoint.tests.lib.KernelsAdjoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Calls between differentiable methods: a three-deep chain, calls across classes and packages, one
 * variable passed twice, an active value passed to a {@code @NoDiff} parameter, a call that only
 * decides a branch.
 */
final class CallsTest extends GeneratedGradientTest {

  /** inner(x, y) = x y + sin x. */
  private static double inner(double x, double y) {
    return x * y + Math.sin(x);
  }

  /** The hand-derived gradient of inner. */
  private static double[] innerGradient(double x, double y) {
    return new double[] {y + Math.cos(x), x};
  }

  /** The hand-derived gradient of middle(x, y) = inner(x, y) inner(y, x). */
  private static double[] middleGradient(double x, double y) {
    double first = inner(x, y);
    double second = inner(y, x);
    double[] dFirst = innerGradient(x, y);
    double[] dSecondSwapped = innerGradient(y, x); // d/d(first arg), d/d(second arg)
    return new double[] {
      dFirst[0] * second + first * dSecondSwapped[1], dFirst[1] * second + first * dSecondSwapped[0]
    };
  }

  private static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }

  @Override
  List<Subject> subjects() {
    List<Subject> subjects = new ArrayList<>();
    subjects.add(
        Subject.named("inner", "x", "y")
            .primal(p -> Calls.inner(p[0], p[1]))
            .generated(
                p -> CallsAdjoint.innerGrad(p[0], p[1]),
                p -> CallsAdjoint.innerValueAndGrad(p[0], p[1]),
                p -> CallsAdjoint.innerVjp(p[0], p[1]),
                CallsAdjoint.innerFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(p -> innerGradient(p[0], p[1]))
            .build());
    subjects.add(
        Subject.named("middle", "x", "y")
            .primal(p -> Calls.middle(p[0], p[1]))
            .generated(
                p -> CallsAdjoint.middleGrad(p[0], p[1]),
                p -> CallsAdjoint.middleValueAndGrad(p[0], p[1]),
                p -> CallsAdjoint.middleVjp(p[0], p[1]),
                CallsAdjoint.middleFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(p -> middleGradient(p[0], p[1]))
            .build());
    subjects.add(
        Subject.named("outer", "x", "y")
            .primal(p -> Calls.outer(p[0], p[1]))
            .generated(
                p -> CallsAdjoint.outerGrad(p[0], p[1]),
                p -> CallsAdjoint.outerValueAndGrad(p[0], p[1]),
                p -> CallsAdjoint.outerVjp(p[0], p[1]),
                CallsAdjoint.outerFunction())
            .on(Domain.box(-1.5, 1.5, -1.5, 1.5))
            .closedForm(
                p -> {
                  // middle(x y, x) + G(x, 1 + y^2) J(y), G the gaussian, J = inner(y, 2)
                  double x = p[0], y = p[1];
                  double[] dm = middleGradient(x * y, x);
                  double w = 1 + y * y;
                  double gauss = Math.exp(-x * x / (2 * w * w));
                  double dGaussDx = -x / (w * w) * gauss;
                  double dGaussDw = x * x / (w * w * w) * gauss;
                  double j = inner(y, 2);
                  double dj = innerGradient(y, 2)[0];
                  return new double[] {
                    dm[0] * y + dm[1] + dGaussDx * j, dm[0] * x + dGaussDw * 2 * y * j + gauss * dj
                  };
                })
            .build());
    subjects.add(
        Subject.named("twice", "x")
            .primal(p -> Calls.twice(p[0]))
            .generated(
                p -> CallsAdjoint.twiceGrad(p[0]),
                p -> CallsAdjoint.twiceValueAndGrad(p[0]),
                p -> CallsAdjoint.twiceVjp(p[0]),
                CallsAdjoint.twiceFunction())
            .on(Domain.box(-3, 3))
            // inner(x, x) = x^2 + sin x
            .closedForm(p -> new double[] {2 * p[0] + Math.cos(p[0])})
            .build());
    subjects.add(
        Subject.named("noDiffActive", "x", "y")
            .primal(p -> Calls.noDiffActive(p[0], p[1]))
            .generated(
                p -> CallsAdjoint.noDiffActiveGrad(p[0], p[1]),
                p -> CallsAdjoint.noDiffActiveValueAndGrad(p[0], p[1]),
                p -> CallsAdjoint.noDiffActiveVjp(p[0], p[1]),
                CallsAdjoint.noDiffActiveFunction())
            .on(Domain.box(-2, 2, -2, 2))
            // scaled(y, k = x) = k y^2 + sin k, with k a constant for AD; plus x y
            .closedForm(p -> new double[] {p[1], 2 * p[0] * p[1] + p[0]})
            .frozenModel(
                at -> {
                  double k = at[0];
                  return p -> k * p[1] * p[1] + Math.sin(k) + p[0] * p[1];
                })
            .build());
    for (int n : new int[] {2, -1}) {
      subjects.add(
          Subject.named("cubic(n = " + n + ")", "x")
              .primal(p -> Calls.cubic(p[0], n))
              .generated(
                  p -> CallsAdjoint.cubicGrad(p[0], n),
                  p -> CallsAdjoint.cubicValueAndGrad(p[0], n),
                  p -> CallsAdjoint.cubicVjp(p[0], n),
                  CallsAdjoint.cubicFunction(n))
              .on(Domain.box(-2, 2))
              // 2 (n (x+1)^3 + (n - 1)(x + 1))
              .closedForm(p -> new double[] {2 * (3 * n * (p[0] + 1) * (p[0] + 1) + n - 1)})
              .build());
    }
    subjects.add(
        Subject.named("callInCondition", "x", "y")
            .primal(p -> Calls.callInCondition(p[0], p[1]))
            .generated(
                p -> CallsAdjoint.callInConditionGrad(p[0], p[1]),
                p -> CallsAdjoint.callInConditionValueAndGrad(p[0], p[1]),
                p -> CallsAdjoint.callInConditionVjp(p[0], p[1]),
                CallsAdjoint.callInConditionFunction())
            // The branch boundary inner(x, y) = 1 has a gradient of norm >= |x|; keep 0.05 from it.
            .on(Domain.box(-2, 2, -2, 2).where(p -> Math.abs(inner(p[0], p[1]) - 1) > 0.05))
            .closedForm(
                p -> inner(p[0], p[1]) > 1 ? new double[] {2 * p[0], 0} : new double[] {p[1], p[0]})
            .branches(
                p -> inner(p[0], p[1]) > 1 ? "inner > 1" : "inner < 1", "inner < 1", "inner > 1")
            .build());
    subjects.add(
        Subject.named("mixed", "x", "y")
            .primal(p -> Calls.mixed(p[0], p[1]))
            .generated(
                p -> CallsAdjoint.mixedGrad(p[0], p[1]),
                p -> CallsAdjoint.mixedValueAndGrad(p[0], p[1]),
                p -> CallsAdjoint.mixedVjp(p[0], p[1]),
                CallsAdjoint.mixedFunction())
            .on(Domain.box(-2, 2, -2, 2).where(p -> Domain.apart(Math.abs(p[0]), 1)))
            .closedForm(
                p -> {
                  // softplus(x - y) + clamp(x, -1, 1) y
                  double x = p[0], y = p[1];
                  double s = sigmoid(x - y);
                  boolean inside = Math.abs(x) < 1;
                  double clamped = inside ? x : Math.signum(x);
                  return new double[] {s + (inside ? y : 0), -s + clamped};
                })
            .branches(
                p -> p[0] < -1 ? "x < -1" : p[0] > 1 ? "x > 1" : "inside",
                "inside",
                "x < -1",
                "x > 1")
            .build());
    subjects.add(
        Subject.named("composed", "x", "y")
            .primal(p -> Calls.composed(p[0], p[1]))
            .generated(
                p -> CallsAdjoint.composedGrad(p[0], p[1]),
                p -> CallsAdjoint.composedValueAndGrad(p[0], p[1]),
                p -> CallsAdjoint.composedVjp(p[0], p[1]),
                CallsAdjoint.composedFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(
                p -> {
                  // inner(a, c) + exp(inner(y, 1/2)) s, a = inner(x, y), c = cos x, s held
                  double x = p[0], y = p[1];
                  double a = inner(x, y);
                  double c = Math.cos(x);
                  double[] dOuter = innerGradient(a, c);
                  double[] da = innerGradient(x, y);
                  double held = inner(x, x);
                  double e = Math.exp(inner(y, 0.5));
                  return new double[] {
                    dOuter[0] * da[0] + dOuter[1] * -Math.sin(x),
                    dOuter[0] * da[1] + e * innerGradient(y, 0.5)[0] * held
                  };
                })
            .frozenModel(
                at -> {
                  double held = inner(at[0], at[0]);
                  return p ->
                      inner(inner(p[0], p[1]), Math.cos(p[0])) + Math.exp(inner(p[1], 0.5)) * held;
                })
            .build());
    subjects.add(
        Subject.named("selfScaled", "x")
            .primal(p -> Calls.selfScaled(p[0]))
            .generated(
                p -> CallsAdjoint.selfScaledGrad(p[0]),
                p -> CallsAdjoint.selfScaledValueAndGrad(p[0]),
                p -> CallsAdjoint.selfScaledVjp(p[0]),
                CallsAdjoint.selfScaledFunction())
            .on(Domain.box(-2, 2))
            // scaled(x, k) = k x^2 + sin k with k = x held: 2 k x
            .closedForm(p -> new double[] {2 * p[0] * p[0]})
            .frozenModel(
                at -> {
                  double k = at[0];
                  return p -> k * p[0] * p[0] + Math.sin(k);
                })
            .build());
    subjects.add(
        Subject.named("unusedCall", "x", "y")
            .primal(p -> Calls.unusedCall(p[0], p[1]))
            .generated(
                p -> CallsAdjoint.unusedCallGrad(p[0], p[1]),
                p -> CallsAdjoint.unusedCallValueAndGrad(p[0], p[1]),
                p -> CallsAdjoint.unusedCallVjp(p[0], p[1]),
                CallsAdjoint.unusedCallFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(p -> new double[] {2, 0})
            .build());
    subjects.add(
        Subject.named("Kernels.gaussian", "x", "width")
            .primal(p -> Kernels.gaussian(p[0], p[1]))
            .generated(
                p -> KernelsAdjoint.gaussianGrad(p[0], p[1]),
                p -> KernelsAdjoint.gaussianValueAndGrad(p[0], p[1]),
                p -> KernelsAdjoint.gaussianVjp(p[0], p[1]),
                KernelsAdjoint.gaussianFunction())
            .on(Domain.box(-2, 2, 0.5, 2))
            .closedForm(
                p -> {
                  double x = p[0], w = p[1];
                  double g = Math.exp(-x * x / (2 * w * w));
                  return new double[] {-x / (w * w) * g, x * x / (w * w * w) * g};
                })
            .build());
    for (double k : new double[] {1.5, -0.7}) {
      subjects.add(
          Subject.named("Kernels.scaled(k = " + k + ")", "x")
              .primal(p -> Kernels.scaled(p[0], k))
              .generated(
                  p -> KernelsAdjoint.scaledGrad(p[0], k),
                  p -> KernelsAdjoint.scaledValueAndGrad(p[0], k),
                  p -> KernelsAdjoint.scaledVjp(p[0], k),
                  KernelsAdjoint.scaledFunction(k))
              .on(Domain.box(-2, 2))
              .closedForm(p -> new double[] {2 * k * p[0]})
              .build());
    }
    subjects.add(
        Subject.named("Kernels.polynomial(n = 4)", "x")
            .primal(p -> Kernels.polynomial(p[0], 4))
            .generated(
                p -> KernelsAdjoint.polynomialGrad(p[0], 4),
                p -> KernelsAdjoint.polynomialValueAndGrad(p[0], 4),
                p -> KernelsAdjoint.polynomialVjp(p[0], 4),
                KernelsAdjoint.polynomialFunction(4))
            .on(Domain.box(-2, 2))
            .closedForm(p -> new double[] {12 * p[0] * p[0] + 3})
            .build());
    return subjects;
  }

  /**
   * The @NoDiff slot really is cut: the generated x-derivative misses exactly the terms that flow
   * through k (y^2 + cos x), which the full derivative of the expression would contain.
   */
  @Test
  void activeValueInNoDiffSlotContributesNoGradient() {
    double x = 0.8, y = -1.3;
    CallsAdjoint.NoDiffActiveGrad g = CallsAdjoint.noDiffActiveGrad(x, y);
    double fullDerivative = y * y + Math.cos(x) + y;
    assertWithMessage("d/dx").that(g.x()).isWithin(1e-15).of(y);
    assertWithMessage("d/dx differs from the full derivative")
        .that(Math.abs(g.x() - fullDerivative))
        .isGreaterThan(1.0);
  }
}
