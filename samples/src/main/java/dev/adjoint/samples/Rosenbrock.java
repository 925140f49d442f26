package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import java.io.PrintStream;

/**
 * The N-dimensional Rosenbrock function minimised by gradient descent with backtracking (Armijo)
 * line search, from the generated gradient. Its minimum is 0 at (1, ..., 1).
 */
public final class Rosenbrock {
  private Rosenbrock() {}

  static final int DIMENSION = 10;
  static final int STEPS = 20000;

  @Differentiable(order = 2)
  static double rosenbrock(double[] x) {
    double sum = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      sum += 100 * a * a + b * b;
    }
    return sum;
  }

  /** One backtracking step along the negative gradient; the new value. */
  static double step(double[] x) {
    RosenbrockAdjoint.RosenbrockValueAndGrad vg = RosenbrockAdjoint.rosenbrockValueAndGrad(x);
    double[] g = vg.grad().x();
    double squared = 0;
    for (double gi : g) {
      squared += gi * gi;
    }
    double[] trial = new double[x.length];
    for (double t = 1; t > 1e-12; t /= 2) {
      for (int i = 0; i < x.length; i++) {
        trial[i] = x[i] - t * g[i];
      }
      double value = rosenbrock(trial);
      if (value <= vg.value() - 1e-4 * t * squared) {
        System.arraycopy(trial, 0, x, 0, x.length);
        return value;
      }
    }
    return vg.value();
  }

  /** Descends from (-1.2, 1, -1.2, 1, ...); the value at the listed steps, and the final point. */
  static double[] minimise(double[] x, int[] report, double[] values) {
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 2 == 0 ? -1.2 : 1;
    }
    int next = 0;
    double value = rosenbrock(x);
    for (int step = 0; step <= STEPS; step++) {
      if (next < report.length && report[next] == step) {
        values[next++] = value;
      }
      if (step < STEPS) {
        value = step(x);
      }
    }
    return x;
  }

  static void print(PrintStream out) {
    int[] report = {0, 10, 100, 1000, 5000, STEPS};
    double[] values = new double[report.length];
    double[] x = minimise(new double[DIMENSION], report, values);
    Table table = new Table("Rosenbrock, N = 10, gradient descent with backtracking",
        "step", "value");
    for (int i = 0; i < report.length; i++) {
      table.row(report[i], values[i]);
    }
    table.print(out);
    double distance = 0;
    for (double xi : x) {
      distance = Math.max(distance, Math.abs(xi - 1));
    }
    out.printf("largest |x_i - 1| after %d steps: %.2e%n%n", STEPS, distance);
  }
}
