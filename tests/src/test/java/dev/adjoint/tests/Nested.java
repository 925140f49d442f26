package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.runtime.FwdResult;

/**
 * Gradients inside differentiated code (issue 12): bodies that call the generated first-order
 * API of {@link NestedInner}'s {@code order = 2} methods, differentiated through it in both modes.
 */
final class Nested {
  private Nested() {}

  /**
   * The gradient of a first-order method at data (a {@code @NoDiff} parameter, never assigned, and
   * a literal) is a constant: x · 3y² + 12, no order = 2 needed (stop 29: it was
   * [AdjointNestedOrder]).
   */
  @Differentiable
  static double gradientAtData(double x, @dev.adjoint.NoDiff double y) {
    return x * NestedInnerAdjoint.cubeGrad(y).y()
        + NestedInnerAdjoint.cubeValueAndGrad(2.0).grad().y();
  }

  /** Siskind and Pearlmutter: x · d/dy (x + y) at y = 0.7, through gGrad: derivative 1. */
  @Differentiable
  static double perturbation(double x) {
    return x * NestedInnerAdjoint.plusGrad(x, 0.7).y();
  }

  /** The same with the inner point at y = x: the derivative is still 1. */
  @Differentiable
  static double perturbationAtX(double x) {
    return x * NestedInnerAdjoint.plusGrad(x, x).y();
  }

  /** The same through gJvp: d/dy (x + y) is the tangent along (0, 1); derivative 1. */
  @Differentiable
  static double perturbationByJvp(double x) {
    return x * NestedInnerAdjoint.plusJvp(x, x, 0.0, 1.0).tangent();
  }

  /** The same through gValueAndGrad(...).grad(): derivative 1. */
  @Differentiable
  static double perturbationByValueAndGrad(double x) {
    return x * NestedInnerAdjoint.plusValueAndGrad(x, 0.7).grad().y();
  }

  /** {@code steps} steps of gradient descent on {@link NestedInner#quad} from (x, y): x + 2y. */
  @Differentiable
  static double descendQuad(double x, double y, int steps, double rate) {
    for (int i = 0; i < steps; i++) {
      double gx = NestedInnerAdjoint.quadGrad(x, y).x();
      double gy = NestedInnerAdjoint.quadGrad(x, y).y();
      x = x - rate * gx;
      y = y - rate * gy;
    }
    return x + 2 * y;
  }

  /** Gradient descent on {@link NestedInner#bowl}, then the bowl's value where it ends. */
  @Differentiable
  static double descendBowl(double x, double y, int steps, double rate) {
    for (int i = 0; i < steps; i++) {
      double gx = NestedInnerAdjoint.bowlGrad(x, y).x();
      double gy = NestedInnerAdjoint.bowlValueAndGrad(x, y).grad().y();
      x -= rate * gx;
      y -= rate * gy;
    }
    return NestedInnerAdjoint.bowlValueAndGrad(x, y).value();
  }

  /** The bowl's directional derivative along a direction that is an argument too. */
  @Differentiable
  static double directional(double x, double y, double u, double v) {
    return Math.sin(x) * NestedInnerAdjoint.bowlJvp(x, y, u, v).tangent()
        + NestedInnerAdjoint.bowlJvp(x * y, y, u, 1.0).value();
  }

  /** log(1 + eᵗ) with its own rule. */
  @CustomVjp
  static double softplus(double t) {
    return Math.log1p(Math.exp(t));
  }

  @Fwd("softplus")
  static FwdResult<Double, Double> softplusFwd(double t) {
    return FwdResult.of(Math.log1p(Math.exp(t)), t);
  }

  @Bwd("softplus")
  static double softplusBwd(Double t, double g) {
    return g / (1 + Math.exp(-t));
  }

  /** A nested gradient through a custom rule, in a loop. */
  @Differentiable
  static double throughRule(double x, double y) {
    double s = 0;
    for (int i = 0; i < 3; i++) {
      s += softplus(NestedInnerAdjoint.bowlGrad(x, y + 0.1 * i).x()) * y;
    }
    return s;
  }

  /**
   * A nested gradient of an instance method with an int and a {@code @NoDiff} parameter, called
   * on a receiver that is a parameter too; the shift depends on x, and is held constant there.
   */
  @Differentiable
  static double instance(@dev.adjoint.NoDiff NestedInner.Scaled s, double x, double y) {
    return s.scale * NestedInner_ScaledAdjoint.energyGrad(s, x, 3, x * x, y).x()
        + NestedInner_ScaledAdjoint.energyJvp(s, y, 2, 0.5, x, x, y).tangent();
  }

  /** A method named like the function gGradX that a use of bowlGrad(...).x() would get. */
  @Differentiable
  static double bowlGradX(double x) {
    return x * NestedInnerAdjoint.bowlGrad(x, 0.5).x();
  }

  /** One gradient step on {@link NestedInner#rosen}, then a weighted sum of squares. */
  @Differentiable
  static double arrayStep(double[] x, double rate) {
    double[] g = NestedInnerAdjoint.rosenGrad(x).x();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double xi = x[i] - rate * g[i];
      s += xi * xi * (i + 1);
    }
    return s;
  }

  /** Gradient descent on {@link NestedInner#rosen} over an array, then its value. */
  @Differentiable
  static double arrayDescent(double[] start, int steps, double rate) {
    double[] x = new double[start.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = start[i];
    }
    for (int k = 0; k < steps; k++) {
      double[] g = NestedInnerAdjoint.rosenGrad(x).x();
      for (int i = 0; i < x.length; i++) {
        x[i] -= rate * g[i];
      }
    }
    return NestedInnerAdjoint.rosenValueAndGrad(x).value();
  }

  /** Rosenbrock's directional derivative along a direction that is an argument too. */
  @Differentiable
  static double arrayDirectional(double[] x, double[] v) {
    return NestedInnerAdjoint.rosenJvp(x, v).tangent() * x[0];
  }

  /** ∇f(x)·x: the point is its own direction (one array passed twice). */
  @Differentiable
  static double selfDirectional(double[] x) {
    return NestedInnerAdjoint.rosenJvp(x, x).tangent();
  }

  /** The bowl's gradient as a vector: its Jacobian is the bowl's Hessian. */
  @Differentiable
  static double[] bowlGradient(double x, double y) {
    double[] out = new double[2];
    out[0] = NestedInnerAdjoint.bowlGrad(x, y).x();
    out[1] = NestedInnerAdjoint.bowlGrad(x, y).y();
    return out;
  }
}
