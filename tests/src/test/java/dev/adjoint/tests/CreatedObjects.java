package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Objects with no floating-point state created inside differentiable bodies (issue 11): a
 * generator made from a seed, a StringBuilder, a list of strings. Each evaluation, in every
 * generated form, creates them again where the primal does, so the forward sweeps draw the
 * primal's numbers.
 */
final class CreatedObjects {
  private CreatedObjects() {}

  /**
   * A Monte Carlo price of a call option under geometric Brownian motion: mean over the paths of
   * max(S_T - strike, 0), S_T = s0 exp((r - sigma^2/2) t + sigma sqrt(t) z), z drawn from {@code
   * new Random(seed)}.
   */
  @Differentiable
  static double callPrice(double s0, double sigma, double strike, double rate, double t,
      long seed, int paths) {
    Random rnd = new Random(seed);
    double sum = 0;
    for (int i = 0; i < paths; i++) {
      double z = rnd.nextGaussian();
      double st = s0 * Math.exp((rate - 0.5 * sigma * sigma) * t + sigma * Math.sqrt(t) * z);
      sum += Math.max(st - strike, 0);
    }
    return Math.exp(-rate * t) * sum / paths;
  }

  /** sum_i x_i * z_i with z from new Random(seed): gradient z, drawn again on every call. */
  @Differentiable
  static double noisyDot(double[] x, long seed) {
    Random rnd = new Random(seed);
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * rnd.nextGaussian();
    }
    return s;
  }

  /**
   * x * (length of a log the body writes) + y^2 * (number of names): the log and the list are
   * created in the body, their sizes constants of the derivative.
   */
  @Differentiable
  static double logged(double x, double y, int n) {
    StringBuilder log = new StringBuilder();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      log.append(i).append(';');
      names.add("p" + i);
    }
    return x * log.length() + y * y * names.size();
  }

  /**
   * Issue 11's program (b) as a user first writes it: the Monte Carlo price as an instance method
   * of a class holding the contract (strike and maturity), creating its generator inside.
   */
  static final class CallOption {
    private final double strike;
    private final double maturity;

    CallOption(double strike, double maturity) {
      this.strike = strike;
      this.maturity = maturity;
    }

    @Differentiable
    double price(double s0, double sigma, double rate, long seed, int paths) {
      Random rnd = new Random(seed);
      double sum = 0;
      for (int i = 0; i < paths; i++) {
        double z = rnd.nextGaussian();
        double st = s0 * Math.exp((rate - 0.5 * sigma * sigma) * maturity
            + sigma * Math.sqrt(maturity) * z);
        sum += Math.max(st - strike, 0);
      }
      return Math.exp(-rate * maturity) * sum / paths;
    }
  }
}
