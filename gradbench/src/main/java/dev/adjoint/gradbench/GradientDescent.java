package dev.adjoint.gradbench;

/**
 * GradBench's gradient descent ({@code cpp/gradbench/gd.hpp}), step for step, which its {@code
 * saddle} and {@code particle} evals prescribe: a step of eta along the negative gradient, taken
 * when it lowers the value (eta doubled after 10 such steps), else eta halved; it stops where the
 * gradient or the step is at most 1e-5 long.
 */
final class GradientDescent {
  private GradientDescent() {}

  /** gd.hpp's stopping rule: a gradient or a step at most this long. */
  private static final double TOLERANCE = 1e-5;

  /** A function with its gradient. */
  interface Cost {
    double value(double[] x);

    /** Writes the gradient at {@code x} into {@code out}. */
    void gradient(double[] x, double[] out);
  }

  /** gd.hpp's {@code multivariate_argmin} of {@code f} from {@code start}. */
  static double[] argmin(Cost f, double[] start) {
    int n = start.length;
    double[] x = start.clone();
    double fx = f.value(x);
    double[] gx = new double[n];
    f.gradient(x, gx);
    int i = 0;
    double eta = 1e-5;
    while (true) {
      if (norm(gx) <= TOLERANCE) {
        return x;
      } else if (i == 10) {
        eta *= 2;
        i = 0;
      } else {
        double[] next = new double[n];
        double[] step = new double[n];
        for (int j = 0; j < n; j++) {
          next[j] = x[j] - eta * gx[j];
          step[j] = x[j] - next[j];
        }
        if (norm(step) <= TOLERANCE) {
          return x;
        }
        double fn = f.value(next);
        if (fn < fx) {
          x = next;
          fx = fn;
          f.gradient(x, gx);
          i++;
        } else {
          eta /= 2;
          i = 0;
        }
      }
    }
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e;
    }
    return Math.sqrt(s);
  }
}
