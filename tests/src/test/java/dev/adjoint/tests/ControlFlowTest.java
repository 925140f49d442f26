package dev.adjoint.tests;

import java.util.List;

/** Both sides of every branch: nested ifs with early returns, else-if, ternaries, logic. */
final class ControlFlowTest extends GeneratedGradientTest {

  @Override
  List<Subject> subjects() {
    return List.of(
        Subject.named("nested", "x", "y")
            .primal(p -> ControlFlow.nested(p[0], p[1]))
            .generated(
                p -> ControlFlowAdjoint.nestedGrad(p[0], p[1]),
                p -> ControlFlowAdjoint.nestedValueAndGrad(p[0], p[1]),
                p -> ControlFlowAdjoint.nestedVjp(p[0], p[1]),
                ControlFlowAdjoint.nestedFunction())
            .on(
                Domain.box(-2, 2, -2, 2)
                    .where(
                        p ->
                            Domain.apart(p[0], 0)
                                && Domain.apart(p[1], 0)
                                && Domain.apart(p[1], p[0])
                                && Domain.apart(p[1], 1)))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  switch (nestedRegion(p)) {
                    case "x > 0, y > 0": // x * y
                      return new double[] {y, x};
                    case "x > 0, y < 0": // 2x - y^2
                      return new double[] {2, -2 * y};
                    case "x < 0, y > 1": // sin(x + y)
                      return new double[] {Math.cos(x + y), Math.cos(x + y)};
                    default: // x^2 y
                      return new double[] {2 * x * y, x * x};
                  }
                })
            .branches(
                ControlFlowTest::nestedRegion,
                "x > 0, y > 0",
                "x > 0, y < 0",
                "x < 0, y > 1",
                "x < 0, y < 1 (falls through)")
            .build(),
        Subject.named("declaredLater", "x")
            .primal(p -> ControlFlow.declaredLater(p[0]))
            .generated(
                p -> ControlFlowAdjoint.declaredLaterGrad(p[0]),
                p -> ControlFlowAdjoint.declaredLaterValueAndGrad(p[0]),
                p -> ControlFlowAdjoint.declaredLaterVjp(p[0]),
                ControlFlowAdjoint.declaredLaterFunction())
            .on(Domain.box(-3, 4).where(p -> Domain.apart(p[0], 1)))
            .closedForm(p -> new double[] {p[0] < 1 ? 6 * p[0] : 3 * (2 + 1 / p[0])})
            .branches(p -> p[0] < 1 ? "x < 1" : "x > 1", "x < 1", "x > 1")
            .build(),
        Subject.named("elseIfChain", "x")
            .primal(p -> ControlFlow.elseIfChain(p[0]))
            .generated(
                p -> ControlFlowAdjoint.elseIfChainGrad(p[0]),
                p -> ControlFlowAdjoint.elseIfChainValueAndGrad(p[0]),
                p -> ControlFlowAdjoint.elseIfChainVjp(p[0]),
                ControlFlowAdjoint.elseIfChainFunction())
            .on(Domain.box(-3, 3).where(p -> Domain.apart(Math.abs(p[0]), 1)))
            .closedForm(
                p -> {
                  double x = p[0];
                  if (x < -1) {
                    return new double[] {Math.exp(x + 1)};
                  }
                  if (x < 1) {
                    return new double[] {Math.cos(x + 1)};
                  }
                  double c = Math.cbrt(x);
                  return new double[] {2 / (3 * c * c)};
                })
            .branches(
                p -> p[0] < -1 ? "x < -1" : p[0] < 1 ? "-1 < x < 1" : "x > 1",
                "-1 < x < 1",
                "x < -1",
                "x > 1")
            .build(),
        Subject.named("ternaries", "x", "y")
            .primal(p -> ControlFlow.ternaries(p[0], p[1]))
            .generated(
                p -> ControlFlowAdjoint.ternariesGrad(p[0], p[1]),
                p -> ControlFlowAdjoint.ternariesValueAndGrad(p[0], p[1]),
                p -> ControlFlowAdjoint.ternariesVjp(p[0], p[1]),
                ControlFlowAdjoint.ternariesFunction())
            .on(
                // wide enough in x and y for the thin region x > y > 1
                Domain.box(-2, 3, -2, 2.5)
                    .where(
                        p ->
                            Domain.apart(p[0], p[1])
                                && Domain.apart(p[0], 0)
                                && Domain.apart(p[1], 1)))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double dx = x > y ? 2 * x : 0;
                  double dy = x > y ? 0 : 3 * y * y;
                  if (x < 0) {
                    dx += 2 * Math.exp(x);
                  } else if (y > 1) {
                    dx += 2 * 0.5 / Math.sqrt(1 + x);
                  } else {
                    dx += 2 * y;
                    dy += 2 * x;
                  }
                  return new double[] {dx, dy};
                })
            .branches(
                p ->
                    (p[0] > p[1] ? "x > y" : "x < y")
                        + (p[0] < 0 ? ", exp" : p[1] > 1 ? ", sqrt" : ", product"),
                "x < y, exp",
                "x < y, product",
                "x < y, sqrt",
                "x > y, exp",
                "x > y, product",
                "x > y, sqrt")
            .build(),
        Subject.named("guardedSqrt", "x")
            .primal(p -> ControlFlow.guardedSqrt(p[0]))
            .generated(
                p -> ControlFlowAdjoint.guardedSqrtGrad(p[0]),
                p -> ControlFlowAdjoint.guardedSqrtValueAndGrad(p[0]),
                p -> ControlFlowAdjoint.guardedSqrtVjp(p[0]),
                ControlFlowAdjoint.guardedSqrtFunction())
            .on(Domain.box(-2, 2).where(p -> Domain.apart(p[0], 0)))
            .closedForm(p -> new double[] {p[0] > 0 ? 0.5 / Math.sqrt(p[0]) : 0})
            .branches(p -> p[0] > 0 ? "x > 0" : "x < 0", "x < 0", "x > 0")
            .build(),
        Subject.named("guardedSqrtIf", "x")
            .primal(p -> ControlFlow.guardedSqrtIf(p[0]))
            .generated(
                p -> ControlFlowAdjoint.guardedSqrtIfGrad(p[0]),
                p -> ControlFlowAdjoint.guardedSqrtIfValueAndGrad(p[0]),
                p -> ControlFlowAdjoint.guardedSqrtIfVjp(p[0]),
                ControlFlowAdjoint.guardedSqrtIfFunction())
            .on(Domain.box(-2, 2).where(p -> Domain.apart(p[0], 0)))
            .closedForm(
                p -> {
                  double x = p[0];
                  if (x < 0) {
                    return new double[] {1};
                  }
                  double s = Math.sqrt(x);
                  return new double[] {1 + Math.log(x) / (2 * s) + s / x};
                })
            .branches(p -> p[0] > 0 ? "x > 0" : "x < 0", "x < 0", "x > 0")
            .build(),
        Subject.named("earlyExit", "x", "y")
            .primal(p -> ControlFlow.earlyExit(p[0], p[1]))
            .generated(
                p -> ControlFlowAdjoint.earlyExitGrad(p[0], p[1]),
                p -> ControlFlowAdjoint.earlyExitValueAndGrad(p[0], p[1]),
                p -> ControlFlowAdjoint.earlyExitVjp(p[0], p[1]),
                ControlFlowAdjoint.earlyExitFunction())
            .on(
                Domain.box(-2, 2, -2, 2)
                    .where(
                        p ->
                            Domain.apart(p[0], -1.5)
                                && Domain.apart(p[0], 0.5)
                                && Domain.apart(p[0], 1)
                                && Domain.apart(p[1], 0)))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  if (x < -1.5) { // returns the constant 1
                    return new double[] {0, 0};
                  }
                  if (y > 0 && x > 1) { // returns x y
                    return new double[] {y, x};
                  }
                  // 2 (r + e^(-x')) with r = x y or x, and x' = log x or x
                  double xNew = x > 0.5 ? Math.log(x) : x;
                  double dxNew = x > 0.5 ? 1 / x : 1;
                  double decay = Math.exp(-xNew);
                  return new double[] {2 * ((y > 0 ? y : 1) - decay * dxNew), 2 * (y > 0 ? x : 0)};
                })
            .branches(
                ControlFlowTest::earlyExitRegion,
                "x < -1.5",
                "y < 0, log",
                "y < 0, no log",
                "y > 0, log",
                "y > 0, no log",
                "y > 0, x > 1")
            .build(),
        Subject.named("logic(flag = false)", "x", "y")
            .primal(p -> ControlFlow.logic(p[0], p[1], false))
            .generated(
                p -> ControlFlowAdjoint.logicGrad(p[0], p[1], false),
                p -> ControlFlowAdjoint.logicValueAndGrad(p[0], p[1], false),
                p -> ControlFlowAdjoint.logicVjp(p[0], p[1], false),
                ControlFlowAdjoint.logicFunction(false))
            .on(logicDomain())
            .closedForm(p -> logicGradient(p, false))
            .branches(p -> logicRegion(p, false), "x y^2", "x + y", "exp(x y)")
            .build(),
        Subject.named("logic(flag = true)", "x", "y")
            .primal(p -> ControlFlow.logic(p[0], p[1], true))
            .generated(
                p -> ControlFlowAdjoint.logicGrad(p[0], p[1], true),
                p -> ControlFlowAdjoint.logicValueAndGrad(p[0], p[1], true),
                p -> ControlFlowAdjoint.logicVjp(p[0], p[1], true),
                ControlFlowAdjoint.logicFunction(true))
            .on(logicDomain())
            .closedForm(p -> logicGradient(p, true))
            .branches(p -> logicRegion(p, true), "x y^2")
            .build());
  }

  private static String earlyExitRegion(double[] p) {
    double x = p[0], y = p[1];
    if (x < -1.5) {
      return "x < -1.5";
    }
    if (y > 0 && x > 1) {
      return "y > 0, x > 1";
    }
    return (y > 0 ? "y > 0" : "y < 0") + (x > 0.5 ? ", log" : ", no log");
  }

  private static String nestedRegion(double[] p) {
    double x = p[0], y = p[1];
    if (x > 0) {
      return y > 0 ? "x > 0, y > 0" : "x > 0, y < 0";
    }
    return y > 1 ? "x < 0, y > 1" : "x < 0, y < 1 (falls through)";
  }

  private static Domain logicDomain() {
    return Domain.box(-2, 2, -2, 2)
        .where(p -> Domain.apart(p[0], 0) && Domain.apart(p[1], 0) && Domain.apart(p[1], -1));
  }

  private static String logicRegion(double[] p, boolean flag) {
    double x = p[0], y = p[1];
    if (flag || (x > 0 && y > 0)) {
      return "x y^2";
    }
    return x > 0 || y > -1 ? "x + y" : "exp(x y)";
  }

  private static double[] logicGradient(double[] p, boolean flag) {
    double x = p[0], y = p[1];
    switch (logicRegion(p, flag)) {
      case "x y^2":
        return new double[] {y * y, 2 * x * y};
      case "x + y":
        return new double[] {1, 1};
      default:
        double e = Math.exp(x * y);
        return new double[] {y * e, x * e};
    }
  }
}
