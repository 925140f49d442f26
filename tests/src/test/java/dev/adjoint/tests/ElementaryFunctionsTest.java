package dev.adjoint.tests;

import java.util.List;

/** Every differentiable Math/StrictMath function, plain and statically imported. */
final class ElementaryFunctionsTest extends GeneratedGradientTest {

  private static final double LN10 = Math.log(10);
  private static final double LN2 = Math.log(2);

  @Override
  List<Subject> subjects() {
    return List.of(
        Subject.named("trig", "x", "y")
            .primal(p -> ElementaryFunctions.trig(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.trigGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.trigValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.trigVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.trigFunction())
            // |xy| <= 1.44 < pi/2: away from the poles of tan.
            .on(Domain.box(-1.2, 1.2, -1.2, 1.2))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double sec2 = 1 / (Math.cos(x * y) * Math.cos(x * y));
                  return new double[] {
                    Math.cos(x) * Math.cos(y) + y * sec2, -Math.sin(x) * Math.sin(y) + x * sec2
                  };
                })
            .build(),
        Subject.named("inverseTrig", "x", "y")
            .primal(p -> ElementaryFunctions.inverseTrig(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.inverseTrigGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.inverseTrigValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.inverseTrigVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.inverseTrigFunction())
            .on(Domain.box(-0.9, 0.9, -0.9, 0.9))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double u = x - 2 * y;
                  return new double[] {
                    Math.acos(y) / Math.sqrt(1 - x * x) + 1 / (1 + u * u),
                    -Math.asin(x) / Math.sqrt(1 - y * y) - 2 / (1 + u * u)
                  };
                })
            .build(),
        Subject.named("polarAngle", "x", "y")
            .primal(p -> ElementaryFunctions.polarAngle(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.polarAngleGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.polarAngleValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.polarAngleVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.polarAngleFunction())
            .on(Domain.annulus(0.3, 2, 0.1))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double r2 = x * x + y * y;
                  double angle = Math.atan2(y, x);
                  return new double[] {-y / r2 * (1 + x * x) + angle * 2 * x, x / r2 * (1 + x * x)};
                })
            .build(),
        Subject.named("hyperbolic", "x", "y")
            .primal(p -> ElementaryFunctions.hyperbolic(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.hyperbolicGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.hyperbolicValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.hyperbolicVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.hyperbolicFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double coshY = Math.cosh(y);
                  return new double[] {
                    Math.cosh(x) * Math.tanh(y) + Math.sinh(x - y),
                    Math.sinh(x) / (coshY * coshY) - Math.sinh(x - y)
                  };
                })
            .build(),
        Subject.named("exponentials", "x", "y")
            .primal(p -> ElementaryFunctions.exponentials(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.exponentialsGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.exponentialsValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.exponentialsVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.exponentialsFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double decay = Math.exp(-x * y);
                  return new double[] {
                    Math.exp(x) * (Math.exp(y) - 1) + y * decay, Math.exp(x + y) + x * decay
                  };
                })
            .build(),
        Subject.named("logarithms", "x", "y")
            .primal(p -> ElementaryFunctions.logarithms(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.logarithmsGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.logarithmsValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.logarithmsVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.logarithmsFunction())
            .on(Domain.box(0.2, 5, 0.1, 5))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  return new double[] {
                    Math.log(1 + y) / x + 1 / (x * LN10), Math.log(x) / (1 + y) + 1 / (y * LN10)
                  };
                })
            .build(),
        Subject.named("roots", "x", "y")
            .primal(p -> ElementaryFunctions.roots(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.rootsGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.rootsValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.rootsVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.rootsFunction())
            // cbrt has an infinite slope at 0: keep x - y away from it.
            .on(Domain.box(-2, 2, 0.1, 3).where(p -> Math.abs(p[0] - p[1]) > 0.1))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double s = Math.sqrt(x * x + y);
                  double c = Math.cbrt(x - y);
                  double dc = 1 / (3 * c * c);
                  return new double[] {x / s * c + s * dc, c / (2 * s) - s * dc};
                })
            .build(),
        Subject.named("powers", "x", "y")
            .primal(p -> ElementaryFunctions.powers(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.powersGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.powersValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.powersVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.powersFunction())
            // y may be negative: pow(y, 3) has a constant exponent.
            .on(Domain.box(0.2, 3, -2, 2))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double twoToXy = Math.pow(2, x * y);
                  return new double[] {
                    y * Math.pow(x, y - 1) + LN2 * twoToXy * y,
                    Math.pow(x, y) * Math.log(x) + LN2 * twoToXy * x + 3 * y * y
                  };
                })
            .build(),
        Subject.named("hypotenuse", "x", "y")
            .primal(p -> ElementaryFunctions.hypotenuse(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.hypotenuseGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.hypotenuseValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.hypotenuseVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.hypotenuseFunction())
            .on(Domain.box(-2, 2, -2, 2).where(p -> Math.hypot(p[0], 2 * p[1]) > 0.2))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double h = Math.sqrt(x * x + 4 * y * y);
                  double s = Math.sin(x + y);
                  double c = Math.cos(x + y);
                  return new double[] {x / h * s + h * c, 4 * y / h * s + h * c};
                })
            .build(),
        Subject.named("angles", "degrees", "radians")
            .primal(p -> ElementaryFunctions.angles(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.anglesGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.anglesValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.anglesVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.anglesFunction())
            .on(Domain.box(-360, 360, -3, 3))
            .closedForm(
                p -> {
                  double perDegree = Math.PI / 180;
                  double d = p[0], r = p[1];
                  return new double[] {
                    Math.cos(d * perDegree) * perDegree * (r / perDegree),
                    Math.sin(d * perDegree) / perDegree
                  };
                })
            .build(),
        Subject.named("strict", "x", "y")
            .primal(p -> ElementaryFunctions.strict(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.strictGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.strictValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.strictVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.strictFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double b = y * y + 1;
                  return new double[] {
                    Math.exp(x) * Math.sin(y) + 2 * x / (1 + x * x) + Math.pow(b, x) * Math.log(b),
                    Math.exp(x) * Math.cos(y) + x * Math.pow(b, x - 1) * 2 * y
                  };
                })
            .build(),
        Subject.named("strictGeometry", "x", "y")
            .primal(p -> ElementaryFunctions.strictGeometry(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.strictGeometryGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.strictGeometryValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.strictGeometryVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.strictGeometryFunction())
            // abs(y) has a kink at y = 0.
            .on(Domain.annulus(0.3, 2, 0.1).where(p -> Domain.apart(p[1], 0)))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double r2 = x * x + y * y;
                  double r = Math.sqrt(r2);
                  double t = Math.tanh(x);
                  double absYSlope = y > 0 ? 1 : -1;
                  return new double[] {
                    -y / r2 + x / r * t + r * (1 - t * t),
                    x / r2 + y / r * t - absYSlope / (2 * Math.sqrt(Math.abs(y) + 1))
                  };
                })
            .branches(p -> p[1] > 0 ? "y > 0" : "y < 0", "y > 0", "y < 0")
            .build(),
        Subject.named("atan2Of", "y", "x")
            .primal(p -> ElementaryFunctions.atan2Of(p[0], p[1]))
            .generated(
                p -> ElementaryFunctionsAdjoint.atan2OfGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.atan2OfValueAndGrad(p[0], p[1]),
                p -> ElementaryFunctionsAdjoint.atan2OfVjp(p[0], p[1]),
                ElementaryFunctionsAdjoint.atan2OfFunction())
            // p = (y, x): the annulus is symmetric, but atan2 jumps on the negative x-axis,
            // which for (y, x) is p[1] < 0 with p[0] = 0.
            .on(Domain.annulus(0.3, 2, 0).where(p -> !(p[1] < 0 && Math.abs(p[0]) < 0.1)))
            .closedForm(
                p -> {
                  double y = p[0], x = p[1];
                  double r2 = x * x + y * y;
                  return new double[] {x / r2, -y / r2};
                })
            .build(),
        Subject.named("softplus (static import)", "x")
            .primal(p -> StaticImportMath.softplus(p[0]))
            .generated(
                p -> StaticImportMathAdjoint.softplusGrad(p[0]),
                p -> StaticImportMathAdjoint.softplusValueAndGrad(p[0]),
                p -> StaticImportMathAdjoint.softplusVjp(p[0]),
                StaticImportMathAdjoint.softplusFunction())
            .on(Domain.box(-20, 20))
            .closedForm(p -> new double[] {1 / (1 + Math.exp(-p[0]))})
            .build(),
        Subject.named("bump (static import)", "x", "y")
            .primal(p -> StaticImportMath.bump(p[0], p[1]))
            .generated(
                p -> StaticImportMathAdjoint.bumpGrad(p[0], p[1]),
                p -> StaticImportMathAdjoint.bumpValueAndGrad(p[0], p[1]),
                p -> StaticImportMathAdjoint.bumpVjp(p[0], p[1]),
                StaticImportMathAdjoint.bumpFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(
                p -> {
                  double x = p[0], y = p[1];
                  double g = Math.exp(-x * x);
                  return new double[] {
                    -2 * x * g * Math.cos(y) - Math.PI, -g * Math.sin(y) + y / Math.sqrt(1 + y * y)
                  };
                })
            .build());
  }
}
