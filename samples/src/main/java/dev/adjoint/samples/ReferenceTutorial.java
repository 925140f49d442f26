package dev.adjoint.samples;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;
import java.io.PrintStream;

/**
 * The reference tutorial's first program: {@code f(x, y) = x·sin(y)} with a custom rule, and the
 * loss {@code f(x, y)²} built on it, checked against the same loss derived from the body.
 */
public final class ReferenceTutorial {
  private ReferenceTutorial() {}

  /** The primal; generated code uses the rule below instead of this body. */
  @CustomVjp
  static double f(double x, double y) {
    return x * Math.sin(y);
  }

  /** What the backward rule needs: x, sin(y) and cos(y), as the tutorial saves them. */
  record FRes(double x, double sinY, double cosY) {}

  /** One cotangent per differentiable parameter, named after it. */
  record FCot(double x, double y) {}

  @Fwd("f")
  static FwdResult<Double, FRes> fFwd(double x, double y) {
    double s = Math.sin(y);
    return FwdResult.of(x * s, new FRes(x, s, Math.cos(y)));
  }

  @Bwd("f")
  static FCot fBwd(FRes r, double g) {
    return new FCot(g * r.sinY(), g * r.x() * r.cosY());
  }

  /** The tutorial's {@code lambda x, y: f(x, y)**2}: f goes through its rule. */
  @Differentiable
  static double loss(double x, double y) {
    double r = f(x, y);
    return r * r;
  }

  /** The tutorial's check: {@code lambda x, y: (x * jnp.sin(y))**2}, derived from the body. */
  @Differentiable
  static double lossFromBody(double x, double y) {
    double r = x * Math.sin(y);
    return r * r;
  }

  static ReferenceTutorialAdjoint.LossValueAndGrad withRule(double x, double y) {
    return ReferenceTutorialAdjoint.lossValueAndGrad(x, y);
  }

  static ReferenceTutorialAdjoint.LossFromBodyValueAndGrad derived(double x, double y) {
    return ReferenceTutorialAdjoint.lossFromBodyValueAndGrad(x, y);
  }

  static void print(PrintStream out) {
    double x = 2.0;
    double y = Math.PI / 2;
    ReferenceTutorialAdjoint.LossValueAndGrad rule = withRule(x, y);
    ReferenceTutorialAdjoint.LossFromBodyValueAndGrad auto = derived(x, y);
    ReferenceTutorialAdjoint.FGrad fRule = ReferenceTutorialAdjoint.fGrad(x, y);
    ReferenceTutorialAdjoint.FGrad fBody = ReferenceTutorialAdjoint.FromBody.fGrad(x, y);
    new Table("Custom VJP: loss = f(x, y)^2, f(x, y) = x*sin(y), at (2, pi/2)",
            "gradient of", "value", "d/dx", "d/dy")
        .row("loss, f by its rule", rule.value(), rule.grad().x(), rule.grad().y())
        .row("loss, from the body", auto.value(), auto.grad().x(), auto.grad().y())
        .row("f by its rule", f(x, y), fRule.x(), fRule.y())
        .row("f, FromBody", f(x, y), fBody.x(), fBody.y())
        .print(out);
  }
}
