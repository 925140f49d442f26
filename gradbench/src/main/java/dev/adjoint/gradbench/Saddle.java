package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import java.util.Map;

/**
 * GradBench's {@code saddle} eval (Pearlmutter and Siskind's nested-AD benchmark): min over p1 of
 * max over p2 of {@link SaddleObjective#f}, both by the gradient descent of GradBench's {@code
 * gd.hpp}, from the input's {@code start} for both. The inner maximum is a {@code @Differentiable}
 * method whose loop calls the generated gradient of f (or its JVPs), so the outer descent's
 * gradient differentiates through a gradient: nested AD, in GradBench's four variants:
 *
 * <ul>
 *   <li>{@code rr}: the outer gradient by reverse mode ({@code innerMaxRGrad}) over an inner
 *       gradient by reverse mode ({@code fGrad(..).x2()});
 *   <li>{@code rf}: reverse over forward ({@code innerMaxFGrad}, whose loop takes ∂f/∂x2 as
 *       {@code fJvp(.., 0, 0, 1, 0).tangent()});
 *   <li>{@code fr} and {@code ff}: forward mode over those two ({@code innerMaxRJvp} and {@code
 *       innerMaxFJvp} along each unit vector).
 * </ul>
 *
 * <p>Each derivative through an inner {@code fGrad} or {@code fJvp} is f's Hessian-vector
 * product (reverse mode over f's forward-mode body), so no perturbation is confused with
 * another. The final argmax over p2 at the found p1 uses the outer mode's gradient of f, as the
 * eval asks. Output: {@code [p1, p2]}, four numbers.
 */
final class Saddle implements EvalModule {

  /** gd.hpp's stopping rule: a gradient or a step at most this long. */
  private static final double TOLERANCE = 1e-5;

  /**
   * max over (x2, y2) of f(p1, p2) from {@code start}, the inner gradient by reverse mode: gd.hpp's
   * {@code multivariate_max} (the argmin of −f), then f there. Written out here, not through
   * {@link GradientDescent}: the loop is differentiated, so it must be in the method's body.
   */
  @Differentiable
  static double innerMaxR(double x1, double y1, @NoDiff double s0, @NoDiff double s1) {
    double u = s0;
    double v = s1;
    double fx = -SaddleObjective.f(x1, y1, u, v);
    double gu = -SaddleObjectiveAdjoint.fGrad(x1, y1, u, v).x2();
    double gv = -SaddleObjectiveAdjoint.fGrad(x1, y1, u, v).y2();
    int i = 0;
    double eta = 1e-5;
    while (true) {
      if (Math.sqrt(gu * gu + gv * gv) <= TOLERANCE) {
        break;
      } else if (i == 10) {
        eta *= 2;
        i = 0;
      } else {
        double nu = u - eta * gu;
        double nv = v - eta * gv;
        if (Math.sqrt((u - nu) * (u - nu) + (v - nv) * (v - nv)) <= TOLERANCE) {
          break;
        }
        double fn = -SaddleObjective.f(x1, y1, nu, nv);
        if (fn < fx) {
          u = nu;
          v = nv;
          fx = fn;
          gu = -SaddleObjectiveAdjoint.fGrad(x1, y1, u, v).x2();
          gv = -SaddleObjectiveAdjoint.fGrad(x1, y1, u, v).y2();
          i++;
        } else {
          eta /= 2;
          i = 0;
        }
      }
    }
    return SaddleObjective.f(x1, y1, u, v);
  }

  /** {@link #innerMaxR} with the inner gradient by forward mode: one fJvp per coordinate. */
  @Differentiable
  static double innerMaxF(double x1, double y1, @NoDiff double s0, @NoDiff double s1) {
    double u = s0;
    double v = s1;
    double fx = -SaddleObjective.f(x1, y1, u, v);
    double gu = -SaddleObjectiveAdjoint.fJvp(x1, y1, u, v, 0.0, 0.0, 1.0, 0.0).tangent();
    double gv = -SaddleObjectiveAdjoint.fJvp(x1, y1, u, v, 0.0, 0.0, 0.0, 1.0).tangent();
    int i = 0;
    double eta = 1e-5;
    while (true) {
      if (Math.sqrt(gu * gu + gv * gv) <= TOLERANCE) {
        break;
      } else if (i == 10) {
        eta *= 2;
        i = 0;
      } else {
        double nu = u - eta * gu;
        double nv = v - eta * gv;
        if (Math.sqrt((u - nu) * (u - nu) + (v - nv) * (v - nv)) <= TOLERANCE) {
          break;
        }
        double fn = -SaddleObjective.f(x1, y1, nu, nv);
        if (fn < fx) {
          u = nu;
          v = nv;
          fx = fn;
          gu = -SaddleObjectiveAdjoint.fJvp(x1, y1, u, v, 0.0, 0.0, 1.0, 0.0).tangent();
          gv = -SaddleObjectiveAdjoint.fJvp(x1, y1, u, v, 0.0, 0.0, 0.0, 1.0).tangent();
          i++;
        } else {
          eta /= 2;
          i = 0;
        }
      }
    }
    return SaddleObjective.f(x1, y1, u, v);
  }



  /** The outer cost, p1 ↦ max over p2, with its gradient by the variant's two modes. */
  static GradientDescent.Cost outer(String variant, double s0, double s1) {
    boolean innerReverse = variant.charAt(1) == 'r';
    boolean outerReverse = variant.charAt(0) == 'r';
    return new GradientDescent.Cost() {
      @Override
      public double value(double[] p1) {
        return innerReverse ? innerMaxR(p1[0], p1[1], s0, s1) : innerMaxF(p1[0], p1[1], s0, s1);
      }

      @Override
      public void gradient(double[] p1, double[] out) {
        double a = p1[0];
        double b = p1[1];
        if (outerReverse && innerReverse) {
          SaddleAdjoint.InnerMaxRGrad g = SaddleAdjoint.innerMaxRGrad(a, b, s0, s1);
          out[0] = g.x1();
          out[1] = g.y1();
        } else if (outerReverse) {
          SaddleAdjoint.InnerMaxFGrad g = SaddleAdjoint.innerMaxFGrad(a, b, s0, s1);
          out[0] = g.x1();
          out[1] = g.y1();
        } else if (innerReverse) {
          out[0] = SaddleAdjoint.innerMaxRJvp(a, b, s0, s1, 1.0, 0.0).tangent();
          out[1] = SaddleAdjoint.innerMaxRJvp(a, b, s0, s1, 0.0, 1.0).tangent();
        } else {
          out[0] = SaddleAdjoint.innerMaxFJvp(a, b, s0, s1, 1.0, 0.0).tangent();
          out[1] = SaddleAdjoint.innerMaxFJvp(a, b, s0, s1, 0.0, 1.0).tangent();
        }
      }
    };
  }

  /**
   * −f(p1, ·) at a fixed p1, the cost of the final argmax, its gradient by the outer mode
   * (not nested).
   */
  static GradientDescent.Cost inner(String variant, double x1, double y1) {
    boolean reverse = variant.charAt(0) == 'r';
    return new GradientDescent.Cost() {
      @Override
      public double value(double[] p2) {
        return -SaddleObjective.f(x1, y1, p2[0], p2[1]);
      }

      @Override
      public void gradient(double[] p2, double[] out) {
        double u = p2[0];
        double v = p2[1];
        if (reverse) {
          SaddleObjectiveAdjoint.FGrad g = SaddleObjectiveAdjoint.fGrad(x1, y1, u, v);
          out[0] = -g.x2();
          out[1] = -g.y2();
        } else {
          out[0] = -SaddleObjectiveAdjoint.fJvp(x1, y1, u, v, 0, 0, 1, 0).tangent();
          out[1] = -SaddleObjectiveAdjoint.fJvp(x1, y1, u, v, 0, 0, 0, 1).tangent();
        }
      }
    };
  }

  /** The eval's output for {@code variant} from {@code start}: p1 then p2. */
  static double[] saddle(String variant, double s0, double s1) {
    double[] p1 = GradientDescent.argmin(outer(variant, s0, s1), new double[] {s0, s1});
    double[] p2 = GradientDescent.argmin(inner(variant, p1[0], p1[1]), new double[] {s0, s1});
    return new double[] {p1[0], p1[1], p2[0], p2[1]};
  }

  @Override
  public String name() {
    return "saddle";
  }

  @Override
  public Map<String, Function> functions() {
    return Map.of(
        "rr", input -> new Run("rr", input),
        "rf", input -> new Run("rf", input),
        "fr", input -> new Run("fr", input),
        "ff", input -> new Run("ff", input));
  }

  private static final class Run implements Evaluation {
    private final String variant;
    private final double s0;
    private final double s1;
    private double[] output;

    Run(String variant, JsonNode input) {
      this.variant = variant;
      double[] start = Inputs.vector(input, "start");
      if (start.length != 2) {
        throw new IllegalArgumentException("start must have 2 elements, but has " + start.length);
      }
      s0 = start[0];
      s1 = start[1];
    }

    @Override
    public void run() {
      output = saddle(variant, s0, s1);
    }

    @Override
    public Object output() {
      return output;
    }
  }
}
