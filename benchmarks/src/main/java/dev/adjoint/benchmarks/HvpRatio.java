package dev.adjoint.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The ratios {@code mHvp} / {@code mValueAndGrad} and {@code MHvpAt.apply} / {@code
 * mValueAndGrad} on {@link SecondOrderRosenbrock}'s functions, measured so
 * that other processes on the machine do not bias it: batches of each alternate, each timed in
 * this thread's CPU time (time it was preempted does not count), and the median of the per-round
 * ratios is printed, with its quartiles. {@link HvpBenchmark} is the JMH measurement of the same
 * calls, which needs a quiet machine. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.adjoint.benchmarks.HvpRatio [n [rounds [batch [rosenbrock|transcendental]]]]}.
 */
public final class HvpRatio {
  private HvpRatio() {}

  private static double sink;

  /** One second-order function's members, as the measurement calls them. */
  private interface Members {
    double gradient(double[] x);

    double hvp(double[] x, double[] v);

    Object at(double[] x);

    double apply(Object at, double[] v);
  }

  private static final Members ROSENBROCK = new Members() {
    public double gradient(double[] x) {
      return SecondOrderRosenbrockAdjoint.rosenbrockValueAndGrad(x).grad().x()[0];
    }

    public double hvp(double[] x, double[] v) {
      return SecondOrderRosenbrockAdjoint.rosenbrockHvp(x, v).hvp().x()[0];
    }

    public Object at(double[] x) {
      return SecondOrderRosenbrockAdjoint.rosenbrockHvpAt(x);
    }

    public double apply(Object at, double[] v) {
      return ((SecondOrderRosenbrockAdjoint.RosenbrockHvpAt) at).apply(v).x()[0];
    }
  };

  private static final Members TRANSCENDENTAL = new Members() {
    public double gradient(double[] x) {
      return SecondOrderRosenbrockAdjoint.transcendentalValueAndGrad(x).grad().x()[0];
    }

    public double hvp(double[] x, double[] v) {
      return SecondOrderRosenbrockAdjoint.transcendentalHvp(x, v).hvp().x()[0];
    }

    public Object at(double[] x) {
      return SecondOrderRosenbrockAdjoint.transcendentalHvpAt(x);
    }

    public double apply(Object at, double[] v) {
      return ((SecondOrderRosenbrockAdjoint.TranscendentalHvpAt) at).apply(v).x()[0];
    }
  };

  /**
   * Prints the ratios.
   *
   * @param args {@code [n [rounds [batch [function]]]]}, the function {@code rosenbrock} (the
   *     default) or {@code transcendental}
   */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    String name = args.length > 3 ? args[3] : "rosenbrock";
    Members f = name.equals("transcendental") ? TRANSCENDENTAL : ROSENBROCK;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    double[] x = Inputs.rosenbrockPoint(n, 1);
    double[] v = Inputs.rosenbrockPoint(n, 2);
    Object at = f.at(x);
    double[] hvp = new double[rounds];
    double[] apply = new double[rounds];
    double[] gradient = new double[rounds];
    for (int r = -rounds / 4; r < rounds; r++) { // the first quarter warms up
      long t0 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < batch; i++) {
        sink += f.gradient(x);
      }
      long t1 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < batch; i++) {
        sink += f.hvp(x, v);
      }
      long t2 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < batch; i++) {
        sink += f.apply(at, v);
      }
      long t3 = cpu.getCurrentThreadCpuTime();
      if (r >= 0) {
        gradient[r] = (double) (t1 - t0) / batch;
        hvp[r] = (double) (t2 - t1) / (t1 - t0);
        apply[r] = (double) (t3 - t2) / (t1 - t0);
      }
    }
    Arrays.sort(gradient);
    Arrays.sort(hvp);
    Arrays.sort(apply);
    int m = rounds / 2;
    System.out.printf("%s n = %d: mValueAndGrad %.0f ns (median CPU time);"
            + " mHvp / mValueAndGrad %.2f (quartiles %.2f to %.2f);"
            + " MHvpAt.apply / mValueAndGrad %.2f (quartiles %.2f to %.2f)%n",
        name, n, gradient[m], hvp[m], hvp[rounds / 4], hvp[3 * rounds / 4], apply[m],
        apply[rounds / 4], apply[3 * rounds / 4]);
    if (sink == 42) {
      System.out.println(); // keeps the results alive
    }
  }
}
