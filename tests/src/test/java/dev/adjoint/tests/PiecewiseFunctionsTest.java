package dev.adjoint.tests;

import java.util.List;

/**
 * abs, min, max, floor, ceil, rint and signum away from their kinks; the conventions at the kinks
 * are in {@link KinkConventionsTest}.
 */
final class PiecewiseFunctionsTest extends GeneratedGradientTest {

  @Override
  List<Subject> subjects() {
    return List.of(
        Subject.named("absMinMax", "x", "y")
            .primal(p -> PiecewiseFunctions.absMinMax(p[0], p[1]))
            .generated(
                p -> PiecewiseFunctionsAdjoint.absMinMaxGrad(p[0], p[1]),
                p -> PiecewiseFunctionsAdjoint.absMinMaxValueAndGrad(p[0], p[1]),
                p -> PiecewiseFunctionsAdjoint.absMinMaxVjp(p[0], p[1]),
                PiecewiseFunctionsAdjoint.absMinMaxFunction())
            .on(
                Domain.box(-2, 2, -2, 2)
                    .where(p -> Domain.apart(p[0], p[1]) && Domain.apart(p[0] * p[1], 1)))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  // x > y: (x - y) * x; x < y: (y - x) * y; min picks x*y below 1.
                  double dx = x > y ? 2 * x - y : -y;
                  double dy = x > y ? -x : 2 * y - x;
                  if (x * y < 1) {
                    dx += y;
                    dy += x;
                  }
                  return new double[] {dx, dy};
                })
            .branches(
                p ->
                    (p[0] > p[1] ? "x > y" : "x < y") + (p[0] * p[1] < 1 ? ", xy < 1" : ", xy > 1"),
                "x < y, xy < 1",
                "x < y, xy > 1",
                "x > y, xy < 1",
                "x > y, xy > 1")
            .build(),
        Subject.named("steps", "x")
            .primal(p -> PiecewiseFunctions.steps(p[0]))
            .generated(
                p -> PiecewiseFunctionsAdjoint.stepsGrad(p[0]),
                p -> PiecewiseFunctionsAdjoint.stepsValueAndGrad(p[0]),
                p -> PiecewiseFunctionsAdjoint.stepsVjp(p[0]),
                PiecewiseFunctionsAdjoint.stepsFunction())
            // floor and ceil jump at integers, rint at half-integers, signum at 0.
            .on(Domain.box(-4, 4).where(p -> Domain.offGrid(p[0], 0.5)))
            .closedForm(
                p -> {
                  // floor, ceil, rint and signum are locally constant.
                  double x = p[0];
                  double sign = x > 0 ? 1 : -1;
                  return new double[] {Math.floor(x) + 2 * x * Math.rint(x) + sign * Math.cos(x)};
                })
            .branches(
                p ->
                    (p[0] < 0 ? "x < 0" : "x > 0")
                        + (Math.abs(p[0] - Math.floor(p[0])) < 0.5
                            ? ", rounds down"
                            : ", rounds up"),
                "x < 0, rounds down",
                "x < 0, rounds up",
                "x > 0, rounds down",
                "x > 0, rounds up")
            .build(),
        Subject.named("clamp(x, -1, 1)", "x")
            .primal(p -> PiecewiseFunctions.clamp(p[0], -1, 1))
            .generated(
                p -> PiecewiseFunctionsAdjoint.clampGrad(p[0], -1, 1),
                p -> PiecewiseFunctionsAdjoint.clampValueAndGrad(p[0], -1, 1),
                p -> PiecewiseFunctionsAdjoint.clampVjp(p[0], -1, 1),
                PiecewiseFunctionsAdjoint.clampFunction(-1, 1))
            .on(Domain.box(-3, 3).where(p -> Domain.apart(Math.abs(p[0]), 1)))
            .closedForm(p -> new double[] {Math.abs(p[0]) < 1 ? 1 : 0})
            .branches(
                p -> p[0] < -1 ? "below" : p[0] > 1 ? "above" : "inside",
                "above",
                "below",
                "inside")
            .build(),
        Subject.named("absOf", "x")
            .primal(p -> PiecewiseFunctions.absOf(p[0]))
            .generated(
                p -> PiecewiseFunctionsAdjoint.absOfGrad(p[0]),
                p -> PiecewiseFunctionsAdjoint.absOfValueAndGrad(p[0]),
                p -> PiecewiseFunctionsAdjoint.absOfVjp(p[0]),
                PiecewiseFunctionsAdjoint.absOfFunction())
            .on(Domain.box(-2, 2).where(p -> Domain.apart(p[0], 0)))
            .closedForm(p -> new double[] {p[0] > 0 ? 1 : -1})
            .branches(p -> p[0] > 0 ? "x > 0" : "x < 0", "x < 0", "x > 0")
            .build(),
        Subject.named("maxOf", "x", "y")
            .primal(p -> PiecewiseFunctions.maxOf(p[0], p[1]))
            .generated(
                p -> PiecewiseFunctionsAdjoint.maxOfGrad(p[0], p[1]),
                p -> PiecewiseFunctionsAdjoint.maxOfValueAndGrad(p[0], p[1]),
                p -> PiecewiseFunctionsAdjoint.maxOfVjp(p[0], p[1]),
                PiecewiseFunctionsAdjoint.maxOfFunction())
            .on(Domain.box(-2, 2, -2, 2).where(p -> Domain.apart(p[0], p[1])))
            .closedForm(p -> p[0] > p[1] ? new double[] {1, 0} : new double[] {0, 1})
            .branches(p -> p[0] > p[1] ? "x > y" : "x < y", "x < y", "x > y")
            .build(),
        Subject.named("minOf", "x", "y")
            .primal(p -> PiecewiseFunctions.minOf(p[0], p[1]))
            .generated(
                p -> PiecewiseFunctionsAdjoint.minOfGrad(p[0], p[1]),
                p -> PiecewiseFunctionsAdjoint.minOfValueAndGrad(p[0], p[1]),
                p -> PiecewiseFunctionsAdjoint.minOfVjp(p[0], p[1]),
                PiecewiseFunctionsAdjoint.minOfFunction())
            .on(Domain.box(-2, 2, -2, 2).where(p -> Domain.apart(p[0], p[1])))
            .closedForm(p -> p[0] < p[1] ? new double[] {1, 0} : new double[] {0, 1})
            .branches(p -> p[0] > p[1] ? "x > y" : "x < y", "x < y", "x > y")
            .build(),
        Subject.named("powOf", "x", "y")
            .primal(p -> PiecewiseFunctions.powOf(p[0], p[1]))
            .generated(
                p -> PiecewiseFunctionsAdjoint.powOfGrad(p[0], p[1]),
                p -> PiecewiseFunctionsAdjoint.powOfValueAndGrad(p[0], p[1]),
                p -> PiecewiseFunctionsAdjoint.powOfVjp(p[0], p[1]),
                PiecewiseFunctionsAdjoint.powOfFunction())
            .on(Domain.box(0.1, 3, -3, 3))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  return new double[] {y * Math.pow(x, y - 1), Math.pow(x, y) * Math.log(x)};
                })
            .build(),
        Subject.named("hypotOf", "x", "y")
            .primal(p -> PiecewiseFunctions.hypotOf(p[0], p[1]))
            .generated(
                p -> PiecewiseFunctionsAdjoint.hypotOfGrad(p[0], p[1]),
                p -> PiecewiseFunctionsAdjoint.hypotOfValueAndGrad(p[0], p[1]),
                p -> PiecewiseFunctionsAdjoint.hypotOfVjp(p[0], p[1]),
                PiecewiseFunctionsAdjoint.hypotOfFunction())
            .on(Domain.annulus(0.1, 3, 0))
            .closedForm(
                p -> {
                  double r = Math.sqrt(p[0] * p[0] + p[1] * p[1]);
                  return new double[] {p[0] / r, p[1] / r};
                })
            .build(),
        Subject.named("sqrtOf", "x")
            .primal(p -> PiecewiseFunctions.sqrtOf(p[0]))
            .generated(
                p -> PiecewiseFunctionsAdjoint.sqrtOfGrad(p[0]),
                p -> PiecewiseFunctionsAdjoint.sqrtOfValueAndGrad(p[0]),
                p -> PiecewiseFunctionsAdjoint.sqrtOfVjp(p[0]),
                PiecewiseFunctionsAdjoint.sqrtOfFunction())
            .on(Domain.box(0.01, 4))
            .closedForm(p -> new double[] {0.5 / Math.sqrt(p[0])})
            .build());
  }
}
