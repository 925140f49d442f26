package dev.adjoint.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The ratio {@code mHvp} / {@code mValueAndGrad} on {@link SecondOrderRosenbrock}, measured so
 * that other processes on the machine do not bias it: batches of each alternate, each timed in
 * this thread's CPU time (time it was preempted does not count), and the median of the per-round
 * ratios is printed, with its quartiles. {@link HvpBenchmark} is the JMH measurement of the same
 * calls, which needs a quiet machine. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.adjoint.benchmarks.HvpRatio [n [rounds [batch]]]}.
 */
public final class HvpRatio {
  private HvpRatio() {}

  private static double sink;

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    double[] x = Inputs.rosenbrockPoint(n, 1);
    double[] v = Inputs.rosenbrockPoint(n, 2);
    SecondOrderRosenbrockAdjoint.RosenbrockHvpAt at =
        SecondOrderRosenbrockAdjoint.rosenbrockHvpAt(x);
    double[] hvp = new double[rounds];
    double[] apply = new double[rounds];
    double[] gradient = new double[rounds];
    for (int r = -rounds / 4; r < rounds; r++) { // the first quarter warms up
      long t0 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < batch; i++) {
        sink += SecondOrderRosenbrockAdjoint.rosenbrockValueAndGrad(x).grad().x()[0];
      }
      long t1 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < batch; i++) {
        sink += SecondOrderRosenbrockAdjoint.rosenbrockHvp(x, v).hvp().x()[0];
      }
      long t2 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < batch; i++) {
        sink += at.apply(v).x()[0];
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
    System.out.printf("Rosenbrock n = %d: mValueAndGrad %.0f ns (median CPU time);"
            + " mHvp / mValueAndGrad %.2f (quartiles %.2f to %.2f);"
            + " MHvpAt.apply / mValueAndGrad %.2f%n",
        n, gradient[m], hvp[m], hvp[rounds / 4], hvp[3 * rounds / 4], apply[m]);
    if (sink == 42) {
      System.out.println(); // keeps the results alive
    }
  }
}
