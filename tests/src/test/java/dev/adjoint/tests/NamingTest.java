package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated code keeps working when user names collide with the names it uses itself. */
final class NamingTest extends GeneratedGradientTest {

  @Override
  List<Subject> subjects() {
    return List.of(
        Subject.named("clash", "x", "value")
            .primal(p -> Naming.clash(p[0], p[1]))
            .generated(
                p -> NamingAdjoint.clashGrad(p[0], p[1]),
                p -> NamingAdjoint.clashValueAndGrad(p[0], p[1]),
                p -> NamingAdjoint.clashVjp(p[0], p[1]),
                NamingAdjoint.clashFunction())
            .on(Domain.box(-1, 1, -1, 1).where(p -> Domain.apart(p[0], 0)))
            .closedForm(
                p -> {
                  // a = x v; b = x > 0 ? e^a : a; c = (b + x) / 4; value e^c a
                  double x = p[0], v = p[1];
                  double a = x * v;
                  double b = x > 0 ? Math.exp(a) : a;
                  double dbDa = x > 0 ? Math.exp(a) : 1;
                  double c = (b + x) / 4;
                  double outer = Math.exp(c);
                  double dValueDa = outer * (1 + a * dbDa / 4);
                  double dValueDxDirect = outer * a / 4;
                  return new double[] {dValueDa * v + dValueDxDirect, dValueDa * x};
                })
            .branches(p -> p[0] > 0 ? "x > 0" : "x < 0", "x < 0", "x > 0")
            .build(),
        Subject.named("cotangentParam", "cotangent", "result")
            .primal(p -> Naming.cotangentParam(p[0], p[1]))
            .generated(
                p -> NamingAdjoint.cotangentParamGrad(p[0], p[1]),
                p -> NamingAdjoint.cotangentParamValueAndGrad(p[0], p[1]),
                p -> NamingAdjoint.cotangentParamVjp(p[0], p[1]),
                NamingAdjoint.cotangentParamFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(p -> new double[] {Math.sin(p[1]), p[0] * Math.cos(p[1])})
            .build(),
        Subject.named("shadow(point = 1.5, gradientOut = 2)", "x")
            .primal(p -> Naming.shadow(p[0], 1.5, 2))
            .generated(
                p -> NamingAdjoint.shadowGrad(p[0], 1.5, 2),
                p -> NamingAdjoint.shadowValueAndGrad(p[0], 1.5, 2),
                p -> NamingAdjoint.shadowVjp(p[0], 1.5, 2),
                NamingAdjoint.shadowFunction(1.5, 2))
            .on(Domain.box(-2, 2))
            .closedForm(p -> new double[] {1.5 + 4 * p[0]})
            .build(),
        Subject.named("sameSimpleName", "x", "y")
            .primal(p -> Naming.sameSimpleName(p[0], p[1]))
            .generated(
                p -> NamingAdjoint.sameSimpleNameGrad(p[0], p[1]),
                p -> NamingAdjoint.sameSimpleNameValueAndGrad(p[0], p[1]),
                p -> NamingAdjoint.sameSimpleNameVjp(p[0], p[1]),
                NamingAdjoint.sameSimpleNameFunction())
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(
                p -> {
                  // x^2 (x y + sin x)
                  double x = p[0], y = p[1];
                  double inner = x * y + Math.sin(x);
                  return new double[] {2 * x * inner + x * x * (y + Math.cos(x)), x * x * x};
                })
            .build(),
        Subject.named("lib.Calls.square", "x")
            .primal(p -> dev.adjoint.tests.lib.Calls.square(p[0]))
            .generated(
                p -> dev.adjoint.tests.lib.CallsAdjoint.squareGrad(p[0]),
                p -> dev.adjoint.tests.lib.CallsAdjoint.squareValueAndGrad(p[0]),
                p -> dev.adjoint.tests.lib.CallsAdjoint.squareVjp(p[0]),
                dev.adjoint.tests.lib.CallsAdjoint.squareFunction())
            .on(Domain.box(-2, 2))
            .closedForm(p -> new double[] {2 * p[0]})
            .build(),
        Subject.named("Inner.cube", "x")
            .primal(p -> Naming.Inner.cube(p[0]))
            .generated(
                p -> Naming_InnerAdjoint.cubeGrad(p[0]),
                p -> Naming_InnerAdjoint.cubeValueAndGrad(p[0]),
                p -> Naming_InnerAdjoint.cubeVjp(p[0]),
                Naming_InnerAdjoint.cubeFunction())
            .on(Domain.box(-2, 2))
            .closedForm(p -> new double[] {3 * p[0] * p[0]})
            .build());
  }

  /** The user class itself calls its generated adjoint (compiled in a later round). */
  @Test
  void userClassCanCallItsOwnAdjoint() {
    double x = 0.6, y = -0.4;
    double inner = x * y + Math.sin(x);
    assertThat(Naming.slopeOfSameSimpleName(x, y))
        .isWithin(1e-12)
        .of(2 * x * inner + x * x * (y + Math.cos(x)));
  }
}
