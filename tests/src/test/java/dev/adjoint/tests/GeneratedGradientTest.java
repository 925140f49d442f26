package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checks every generated gradient gets, run over a table of {@link Subject}s that each subclass
 * provides: agreement with a hand-derived closed form, GradCheck (central differences and the
 * dot-product test) with every branch reached, and agreement between the generated entry points
 * ({@code mGrad}, {@code mValueAndGrad}, {@code mVjp}, {@code mFunction}) and the primal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GeneratedGradientTest {

  /** Random points per subject and check. */
  static final int POINTS = 200;

  /** Each listed branch must be taken at least this often among the {@link #POINTS} samples. */
  static final int MIN_HITS_PER_BRANCH = 5;

  /** Cotangents for which pullback(c) must equal c times the gradient exactly. */
  private static final double[] EXACT_COTANGENTS = {2.0, -0.5, 0x1p-10, -8.0};

  /** A cotangent for which the equality holds to rounding. */
  private static final double ROUNDED_COTANGENT = 3.7;

  abstract List<Subject> subjects();

  /** The same points for every run of one subject, different points for different subjects. */
  static Random randomFor(Subject s) {
    return new Random(0x5EED_AD_2024L ^ s.name().hashCode());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("subjects")
  void gradientMatchesClosedForm(Subject s) {
    Random random = randomFor(s);
    for (int i = 0; i < POINTS; i++) {
      double[] p = s.sample(random);
      double[] expected = s.closedForm(p);
      double[] actual = Subject.components(s.grad(p));
      assertWithMessage("%s: gradient length", s).that(actual.length).isEqualTo(expected.length);
      for (int j = 0; j < expected.length; j++) {
        assertWithMessage(
                "%s at %s: d/d%s (hand-derived %s, generated %s)",
                s, Arrays.toString(p), s.parameters().get(j), expected[j], actual[j])
            .that(actual[j])
            .isWithin(1e-10 * (1 + Math.abs(expected[j])))
            .of(expected[j]);
      }
    }
  }

  /**
   * Forward mode: the generated function's {@code jvp} (the method's {@code mJvp}, a forward
   * sweep, not the interface's default through the gradient) along each unit direction and along
   * random directions with zero coordinates equals the hand-derived gradient's dot product with
   * the direction.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("subjects")
  void forwardModeMatchesClosedForm(Subject s) throws NoSuchMethodException {
    DifferentiableFunction f = s.function();
    assertWithMessage("%s: mFunction(...).jvp is generated", s)
        .that(f.getClass().getMethod("jvp", double[].class, double[].class).getDeclaringClass())
        .isNotEqualTo(DifferentiableFunction.class);
    Random random = randomFor(s);
    for (int i = 0; i < POINTS; i++) {
      double[] p = s.sample(random);
      double[] expected = s.closedForm(p);
      for (int j = 0; j <= expected.length; j++) {
        double[] v = new double[expected.length];
        if (j < expected.length) {
          v[j] = 1.0; // a column of the Jacobian
        } else {
          for (int k = 0; k < v.length; k++) {
            v[k] = random.nextInt(3) == 0 ? 0.0 : random.nextDouble() * 4 - 2;
          }
        }
        double dot = 0;
        double scale = 0;
        for (int k = 0; k < v.length; k++) {
          if (v[k] != 0) {
            dot += expected[k] * v[k];
            scale += Math.abs(expected[k] * v[k]);
          }
        }
        assertWithMessage("%s at %s: jvp along %s (hand-derived %s)", s, Arrays.toString(p),
                Arrays.toString(v), dot)
            .that(f.jvp(p.clone(), v))
            .isWithin(1e-10 * (1 + scale))
            .of(dot);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("subjects")
  void gradientPassesGradCheck(Subject s) {
    Random random = randomFor(s);
    Map<String, Integer> hits = new TreeMap<>();
    List<GradCheck.Report> failures = new ArrayList<>();
    for (int i = 0; i < POINTS; i++) {
      double[] p = s.sample(random);
      GradCheck.Report report = GradCheck.defaults().check(s.gradCheckTarget(p), p);
      if (!report.passed()) {
        failures.add(report);
      }
      if (s.hasBranches()) {
        hits.merge(s.branch(p), 1, Integer::sum);
      }
    }
    assertWithMessage(
            "%s: GradCheck failed at %s of %s points; the first:\n%s",
            s, failures.size(), POINTS, failures.isEmpty() ? "" : failures.get(0))
        .that(failures)
        .isEmpty();
    if (s.hasBranches()) {
      assertWithMessage("%s: branches reached (label -> samples)", s)
          .that(hits.keySet())
          .containsExactlyElementsIn(s.branches());
      for (Map.Entry<String, Integer> e : hits.entrySet()) {
        assertWithMessage("%s: samples on branch %s", s, e.getKey())
            .that(e.getValue())
            .isAtLeast(MIN_HITS_PER_BRANCH);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("subjects")
  void generatedEntryPointsAgree(Subject s) {
    Random random = randomFor(s);
    for (int i = 0; i < POINTS; i++) {
      double[] p = s.sample(random);
      String at = s + " at " + Arrays.toString(p);
      double primal = s.primal(p);

      Record valueAndGrad = s.valueAndGrad(p);
      assertWithMessage("%s: mValueAndGrad(...).value() == primal", at)
          .that(Subject.value(valueAndGrad))
          .isEqualTo(primal);
      Record grad = s.grad(p);
      assertWithMessage("%s: mGrad(...) == mValueAndGrad(...).grad()", at)
          .that(grad)
          .isEqualTo(Subject.gradOf(valueAndGrad));
      assertWithMessage("%s: gradient record components", at)
          .that(Subject.componentNames(grad))
          .containsExactlyElementsIn(s.parameters())
          .inOrder();
      double[] g = Subject.components(grad);

      DifferentiableFunction f = s.function();
      assertWithMessage("%s: mFunction(...).dimension()", at)
          .that(f.dimension())
          .isEqualTo(s.dimension());
      assertWithMessage("%s: mFunction(...).value(p) == primal", at)
          .that(f.value(p.clone()))
          .isEqualTo(primal);
      double[] out = new double[s.dimension()];
      Arrays.fill(out, Double.NaN);
      assertWithMessage("%s: mFunction(...).valueAndGradient(p, out) == primal", at)
          .that(f.valueAndGradient(p.clone(), out))
          .isEqualTo(primal);
      assertSameNumbers(at + ": mFunction(...) gradient vs mGrad(...)", out, g);

      Object vjp = s.vjp(p);
      assertWithMessage("%s: mVjp(...).value() == primal", at)
          .that(Subject.value(vjp))
          .isEqualTo(primal);
      // The gradient's sums may run in another order (Rounding): to rounding.
      double[] pulled = Subject.components(Subject.pullback(vjp, 1.0));
      Rounding.assertSameToRounding(at + ": mVjp(...).pullback(1.0) vs mGrad(...)", pulled, g);
      for (double c : EXACT_COTANGENTS) {
        Record first = Subject.pullback(vjp, c);
        // A power of two scales every step of the reverse sweep exactly.
        assertSameNumbers(
            at + ": pullback(" + c + ") vs " + c + " * pullback(1.0)",
            Subject.components(first),
            scaled(c, pulled));
        assertWithMessage("%s: pullback(%s) called twice", at, c)
            .that(Subject.pullback(vjp, c))
            .isEqualTo(first);
      }
      double[] rounded = Subject.components(Subject.pullback(vjp, ROUNDED_COTANGENT));
      for (int j = 0; j < g.length; j++) {
        double expected = ROUNDED_COTANGENT * g[j];
        assertWithMessage("%s: pullback(%s)[%s]", at, ROUNDED_COTANGENT, j)
            .that(rounded[j])
            .isWithin(1e-12 * (1 + Math.abs(expected)))
            .of(expected);
      }
      assertSameNumbers(
          at + ": pullback(1.0) after other pullbacks",
          Subject.components(Subject.pullback(vjp, 1.0)),
          pulled);
    }
  }

  /**
   * Generated code keeps no shared mutable state: gradients computed on several threads at once,
   * and pullbacks of one shared {@code mVjp} object called from several threads at once, equal the
   * ones computed on one thread, bit for bit.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("subjects")
  void generatedCodeIsThreadSafe(Subject s) throws Exception {
    Random random = randomFor(s);
    double[][] points = new double[POINTS][];
    double[][] expected = new double[POINTS][];
    for (int i = 0; i < POINTS; i++) {
      points[i] = s.sample(random);
      expected[i] = Subject.components(s.grad(points[i]));
    }
    Object sharedVjp = s.vjp(points[0]);
    double[] pulled = Subject.components(Subject.pullback(sharedVjp, 1.0));
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<double[][]>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  double[][] out = new double[2 * POINTS][];
                  for (int i = 0; i < POINTS; i++) {
                    out[i] = Subject.components(s.grad(points[i]));
                    out[POINTS + i] = Subject.components(Subject.pullback(sharedVjp, 1.0));
                  }
                  return out;
                }));
      }
      for (Future<double[][]> result : results) {
        double[][] got = result.get();
        for (int i = 0; i < POINTS; i++) {
          assertSameNumbers(
              s + " at " + Arrays.toString(points[i]) + " on a thread", got[i], expected[i]);
          assertSameNumbers(s + ": shared pullback on a thread", got[POINTS + i], pulled);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Entry by entry equal as numbers ({@code ==}, so 0.0 matches -0.0), NaN matching NaN. */
  static void assertSameNumbers(String message, double[] actual, double[] expected) {
    assertWithMessage("%s: length", message).that(actual.length).isEqualTo(expected.length);
    for (int j = 0; j < expected.length; j++) {
      boolean same =
          actual[j] == expected[j] || (Double.isNaN(actual[j]) && Double.isNaN(expected[j]));
      assertWithMessage(
              "%s: entry %s is %s, expected %s (all: %s vs %s)",
              message,
              j,
              actual[j],
              expected[j],
              Arrays.toString(actual),
              Arrays.toString(expected))
          .that(same)
          .isTrue();
    }
  }

  private static double[] scaled(double c, double[] g) {
    double[] out = new double[g.length];
    for (int j = 0; j < g.length; j++) {
      out[j] = c * g[j];
    }
    return out;
  }
}
