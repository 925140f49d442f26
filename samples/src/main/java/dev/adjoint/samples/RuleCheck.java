package dev.adjoint.samples;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.io.PrintStream;
import java.util.Random;

/**
 * Every custom rule of the samples checked by {@link GradCheck} (central differences and the
 * dot-product test) at seeded random points, as the tutorial advises: a rule is trusted for the
 * gradient, so test it. The clipping rule is expected to fail: it differs on purpose.
 */
public final class RuleCheck {
  private RuleCheck() {}

  /** The largest relative error of a rule over the points, and whether every check passed. */
  record Outcome(String rule, int points, double maxRelativeError, boolean passed) {}

  static final int POINTS = 200;

  static Outcome check(String name, DifferentiableFunction f, double lo, double hi, long seed) {
    Random random = new Random(seed);
    double worst = 0;
    boolean passed = true;
    for (int i = 0; i < POINTS; i++) {
      double[] point = new double[f.dimension()];
      for (int j = 0; j < point.length; j++) {
        point[j] = lo + (hi - lo) * random.nextDouble();
      }
      GradCheck.Report report = GradCheck.defaults().check(f, point);
      worst = Math.max(worst, report.maxRelativeError());
      passed &= report.passed();
    }
    return new Outcome(name, POINTS, worst, passed);
  }

  static Outcome[] all() {
    return new Outcome[] {
      check("f(x, y) = x*sin(y)", ReferenceTutorialAdjoint.fFunction(), -3, 3, 1),
      check("stableLog1pexp(x)", StableSoftplusAdjoint.stableLog1pexpFunction(), -30, 30, 2),
      check("log1pexp(x) by its @Jvp rule", StableSoftplusJvpAdjoint.log1pexpFunction(), -30, 30,
          4),
      check("clippedLoss(x) (differs on purpose)", GradientClippingAdjoint.clippedLossFunction(),
          -10, 10, 3),
    };
  }

  static void print(PrintStream out) {
    Table table = new Table("GradCheck over every custom rule (" + POINTS + " random points each)",
        "rule", "max relative error", "verdict");
    for (Outcome o : all()) {
      table.row(o.rule(), String.format("%.2e", o.maxRelativeError()),
          o.passed() ? "pass" : "FAIL");
    }
    table.print(out);
  }
}
