package dev.adjoint.samples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradient-descent sample's Rosenbrock function (N = 10, from (-1.2, 1, -1.2, 1, ...))
 * minimised by truncated Newton (Newton-CG): at each outer step, conjugate gradients on H p = -g
 * using only Hessian-vector products from {@code rosenbrockHvpAt(x).apply(d)} (the Hessian is
 * never formed), stopped at negative curvature or when the residual is below the forcing term
 * min(0.5, sqrt(|g|)) |g| (Nocedal and Wright, Algorithm 7.1), then a backtracking (Armijo) line
 * search from the full step.
 *
 * <p>The forcing term matters on this function: for N &ge; 4 it has a second, local minimum near
 * (-1, 1, ..., 1) with f &asymp; 3.99. With the loose cap 0.5, the early steps are close to scaled
 * steepest descent, and the iterates creep along a plateau (f &asymp; 9.5) to the global minimum;
 * capped at 0.1, the first Newton steps are more accurate and land in the local minimum.
 */
public final class NewtonCg {
  private NewtonCg() {}

  /** The outer loop stops when |g| is at most this. */
  static final double GRADIENT_TOLERANCE = 1e-10;

  static final int MAX_ITERATIONS = 200;

  /** One outer iteration: the state at its start and the HVPs used so far (cumulative). */
  record Iteration(int iteration, double value, double gradientNorm, int hvps, double stepLength) {}

  /** The result: the history (last row the final point) and the final point. */
  record Result(List<Iteration> history, double[] x) {
    int iterations() {
      return history.size() - 1;
    }

    int hvps() {
      return history.get(history.size() - 1).hvps();
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** The gradient-descent sample's start, (-1.2, 1, -1.2, 1, ...). */
  static double[] start() {
    double[] x = new double[Rosenbrock.DIMENSION];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 2 == 0 ? -1.2 : 1;
    }
    return x;
  }

  /**
   * Conjugate gradients on H p = -g from p = 0, with H only through {@code at.apply}: stops when
   * the residual |H p + g| is at most {@code tolerance}, at negative curvature (returning the
   * iterate so far, or -g if that is the first direction), or after 2n steps. Adds the HVPs used to
   * {@code hvps[0]}.
   */
  static double[] direction(RosenbrockAdjoint.RosenbrockHvpAt at, double[] g, double tolerance,
      int[] hvps) {
    int n = g.length;
    double[] p = new double[n];
    double[] r = g.clone(); // r = H p + g
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = -r[i];
    }
    double rr = dot(r, r);
    for (int j = 0; j < 2 * n; j++) {
      double[] hd = at.apply(d).x();
      hvps[0]++;
      double curvature = dot(d, hd);
      if (curvature <= 0) {
        if (j == 0) {
          for (int i = 0; i < n; i++) {
            p[i] = -g[i];
          }
        }
        return p;
      }
      double alpha = rr / curvature;
      for (int i = 0; i < n; i++) {
        p[i] += alpha * d[i];
        r[i] += alpha * hd[i];
      }
      double next = dot(r, r);
      if (Math.sqrt(next) <= tolerance) {
        return p;
      }
      double beta = next / rr;
      rr = next;
      for (int i = 0; i < n; i++) {
        d[i] = -r[i] + beta * d[i];
      }
    }
    return p;
  }

  /** The cap of the forcing term: the CG tolerance is min(cap, sqrt(|g|)) |g|. */
  static final double FORCING_CAP = 0.5;

  /** Newton-CG from the start point until |g| is at most {@link #GRADIENT_TOLERANCE}. */
  static Result minimise() {
    return minimise(FORCING_CAP);
  }

  /** Newton-CG with the given cap of the forcing term. */
  static Result minimise(double cap) {
    double[] x = start();
    List<Iteration> history = new ArrayList<>();
    int[] hvps = {0};
    double[] trial = new double[x.length];
    for (int k = 0; ; k++) {
      RosenbrockAdjoint.RosenbrockHvpAt at = RosenbrockAdjoint.rosenbrockHvpAt(x);
      double value = at.value();
      double[] g = at.grad().x();
      double norm = Math.sqrt(dot(g, g));
      if (norm <= GRADIENT_TOLERANCE || k == MAX_ITERATIONS) {
        history.add(new Iteration(k, value, norm, hvps[0], Double.NaN));
        return new Result(history, x);
      }
      double forcing = Math.min(cap, Math.sqrt(norm)) * norm;
      double[] p = direction(at, g, forcing, hvps);
      double slope = dot(g, p);
      double t = 1;
      for (; t > 1e-12; t /= 2) {
        for (int i = 0; i < x.length; i++) {
          trial[i] = x[i] + t * p[i];
        }
        if (Rosenbrock.rosenbrock(trial) <= value + 1e-4 * t * slope) {
          break;
        }
      }
      history.add(new Iteration(k, value, norm, hvps[0], t));
      System.arraycopy(trial, 0, x, 0, x.length);
    }
  }

  static double largestError(double[] x) {
    double distance = 0;
    for (double xi : x) {
      distance = Math.max(distance, Math.abs(xi - 1));
    }
    return distance;
  }

  static void print(PrintStream out) {
    Result newton = minimise();
    int iterations = newton.iterations();
    // Gradient descent from the same start, side by side: its value after as many steps.
    int[] report = new int[iterations + 2];
    for (int k = 0; k <= iterations; k++) {
      report[k] = k;
    }
    report[iterations + 1] = Rosenbrock.STEPS;
    double[] descent = new double[report.length];
    double[] descentX = Rosenbrock.minimise(new double[Rosenbrock.DIMENSION], report, descent);
    Table table = new Table(
        "Rosenbrock, N = 10, Newton-CG (CG on Hessian-vector products, backtracking)",
        "iteration", "f(x)", "|g|", "HVPs so far", "step", "gradient descent f");
    for (Iteration it : newton.history()) {
      int k = it.iteration();
      if (k > 5 && k % 20 != 0 && k < iterations - 8) {
        continue; // the first steps, every 20th, and the last few
      }
      table.row(it.iteration(), String.format("%.6e", it.value()),
          String.format("%.3e", it.gradientNorm()), it.hvps(),
          Double.isNaN(it.stepLength()) ? "" : String.valueOf(it.stepLength()),
          String.format("%.6e", descent[it.iteration()]));
    }
    table.print(out);
    out.printf("Newton-CG: %d iterations (%d gradients, %d HVPs), f = %.2e, largest |x_i - 1| "
            + "%.2e%n", iterations, iterations + 1, newton.hvps(),
        newton.history().get(iterations).value(), largestError(newton.x()));
    out.printf("gradient descent: %d steps (%d gradients), f = %.2e, largest |x_i - 1| %.2e%n",
        Rosenbrock.STEPS, Rosenbrock.STEPS, descent[iterations + 1], largestError(descentX));
    Result capped = minimise(0.1);
    out.printf("Newton-CG with the forcing term capped at 0.1 instead of 0.5: %d iterations, to%n"
            + "the local minimum near (-1, 1, ..., 1): f = %.4f, x_1 = %.4f%n%n", capped.iterations(),
        capped.history().get(capped.iterations()).value(), capped.x()[0]);
  }
}
