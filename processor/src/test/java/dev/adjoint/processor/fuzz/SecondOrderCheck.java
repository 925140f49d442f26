package dev.adjoint.processor.fuzz;

import dev.adjoint.processor.fuzz.FuzzTest.Compiled;
import dev.adjoint.processor.fuzz.Program.Callee;
import dev.adjoint.processor.fuzz.Program.Param;
import dev.adjoint.processor.fuzz.Program.Unit;
import dev.adjoint.runtime.TwiceDifferentiableFunction;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * The fuzzer's second-order check (issue 12, since stop 24): each eligible program of a batch has
 * an {@code order = 2} twin, the same source with {@code @Differentiable(order = 2)} on {@code
 * f}, compiled together in a compilation of their own. A twin may be rejected only with a tagged
 * {@code [AdjointSecondOrderUnsupported]} error (what second order does not support yet); any
 * other diagnostic, or a processor crash, is a failure. At each point of a twin that compiled:
 *
 * <ul>
 *   <li>{@code fHvp}'s value and gradient are {@code fValueAndGrad}'s, bit for bit;
 *   <li>{@code fHvpAt}'s value, gradient and {@code apply} are {@code fHvp}'s, bit for bit, after
 *       the argument arrays it was made from, and the receivers' fields that are not final, were
 *       changed (the fields since stop 25, which fixed {@link #RECEIVER_FIELDS});
 *   <li>{@code fFunction(..).hessianVectorProduct} is {@code fHvp}'s product, bit for bit;
 *   <li>{@code fHessian} is exactly symmetric and {@code H v} agrees with {@code fHvp}'s product
 *       along {@code v} to rounding;
 *   <li>central differences of the reference's gradient along {@code v} agree with the product to
 *       1e-3 of its scale, trusted under the same conditions as the gradient's differences (the
 *       same branch path and kink sides at {@code x ± hv}, two successive steps that agree, a step
 *       that neither averages out nor is absorbed by the phase of a {@code sin}).
 * </ul>
 *
 * <p>The differences only where the program is exact (its gradient is the derivative: no
 * stopGradient, no clipping rule). Eligible: programs without records, with a {@code double}
 * result, that call none of the effectful {@code Rules}
 * methods {@code next}, {@code level} or {@code flip}: {@code fHvp} runs the body twice (its
 * documented contract), so a random generator's draws or a flipped array differ between the two.
 */
final class SecondOrderCheck {
  private SecondOrderCheck() {}

  private static final String TAG = "[AdjointSecondOrderUnsupported]";

  /** The fixed bug of fHvpAt and the receiver's fields ({@link Generator#FIXED_BUGS}). */
  static final String RECEIVER_FIELDS = "hvpAtReceiverFields";

  /**
   * The fixed bug of fHvpAt and the fields its callees read (stop 27's CI, run seed
   * 1948353491555881135, program 3076249047257046512; fixed in stop 31, {@link
   * Generator#FIXED_BUGS}): a call of an {@code order = 2} helper that second order does not
   * write in went through the helper's generated forms, which read its fields when {@code
   * apply} ran. The sweep now makes the helper's {@code hHvpAt} at the call and replays it. The
   * check used to change no receiver field of a twin whose helpers are {@code order = 2}; now
   * it changes them in every run.
   */
  static final String CALLEE_FIELDS = "hvpAtCalleeFields";

  /**
   * The twins' {@code fuzz.Rules}: {@code @CustomVjp(order = 2)} on the rules whose companions
   * second order can differentiate ({@link Rules#secondOrderSource}).
   */
  private static final String RULES = Rules.secondOrderSource();

  /** A call of one of the {@link Rules#ORDER_TWO_VJP_RULES} (not of a {@code ...J} twin). */
  private static final java.util.regex.Pattern VJP_RULE_CALL = java.util.regex.Pattern.compile(
      "Rules\\.(" + String.join("|", Rules.ORDER_TWO_VJP_RULES) + ")\\(");

  /** Relative agreement of differences of the gradient with the product. */
  private static final double DIFFERENCE_TOLERANCE = 1e-3;

  static boolean eligible(Unit unit) {
    if (unit.record() || !unit.types().isEmpty()
        || !unit.recordParams().isEmpty() || unit.f().returnsArray()
        || unit.f().params().stream().noneMatch(p -> p.kind().differentiable())) {
      return false;
    }
    String source = unit.render();
    return !source.contains("Rules.next(") && !source.contains("Rules.level(")
        && !source.contains("Rules.flip(");
  }

  /**
   * {@code unit}'s source with {@code order = 2} on {@code f}, and in every other twin (by its
   * class's name) on its helpers with a {@code double} result too (since stop 25): a call of such
   * a helper that second order does not write in goes through the helper's own Hessian-vector
   * products, as do calls of the {@code @CustomJvp(order = 2)} rules.
   */
  static String twin(Unit unit) {
    String source = orderTwo(unit.render(), unit.f());
    if ((unit.className().hashCode() & 1) == 0) {
      for (Callee h : unit.helpers()) {
        if (!h.returnsArray() && !h.isRule() && !h.writesOut() && !h.returnsMatrix()) {
          source = orderTwo(source, h);
        }
      }
    }
    return source;
  }

  /** {@code source} with {@code order = 2} on the method {@code m}. */
  private static String orderTwo(String source, Callee m) {
    String head = "  @Differentiable\n  " + (m.instance() ? "" : "static ") + "double " + m.name()
        + "(";
    int at = source.indexOf(head);
    if (at < 0) {
      throw new AssertionError("no " + m.name() + " in\n" + source);
    }
    return source.substring(0, at) + "  @Differentiable(order = 2)\n  "
        + source.substring(at + "  @Differentiable\n  ".length());
  }

  /** Compiles the twins of the eligible {@code units} and checks them. */
  static void check(List<Unit> units, Map<String, Long> seedOf, Set<String> open,
      FuzzTest.Stats stats) {
    Map<String, Unit> byName = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    for (Unit unit : units) {
      if (eligible(unit)) {
        byName.put(unit.qualifiedName(), unit);
        sources.put(unit.qualifiedName(), twin(unit));
      }
    }
    if (sources.isEmpty()) {
      return;
    }
    Compiled compiled = FuzzTest.compile(sources, false, RULES);
    if (compiled.problem != null) {
      // Set the rejected twins aside (only the tagged error is allowed), then compile the rest.
      for (String name : List.copyOf(sources.keySet())) {
        Compiled alone = FuzzTest.compile(Map.of(name, sources.get(name)), false, RULES);
        if (alone.problem == null) {
          continue;
        }
        sources.remove(name);
        if (!alone.errors.isEmpty() && alone.errors.stream().allMatch(SecondOrderCheck::tagged)) {
          stats.hvpRejected++;
        } else {
          Unit unit = byName.get(name);
          stats.failures.add(FuzzTest.describe(unit, seedOf.get(unit.className()), open,
              "its order = 2 twin:\n" + alone.problem));
        }
      }
      if (sources.isEmpty()) {
        return;
      }
      compiled = FuzzTest.compile(sources, false, RULES);
      if (compiled.problem != null) {
        stats.failures.add("the order = 2 twins of " + sources.keySet()
            + " compile alone but not together:\n" + compiled.problem);
        return;
      }
    }
    for (String name : sources.keySet()) {
      Unit unit = byName.get(name);
      long seed = seedOf.get(unit.className());
      stats.hvpPrograms++;
      if (sources.get(name).matches("(?s).*Rules\\.\\w+J\\(.*")) {
        stats.hvpThroughRules++;
      }
      if (VJP_RULE_CALL.matcher(sources.get(name)).find()) {
        stats.hvpThroughVjpRules++;
      }
      boolean orderTwoHelpers =
          sources.get(name).split("@Differentiable\\(order = 2\\)", -1).length > 2;
      if (orderTwoHelpers) {
        stats.hvpOrderTwoHelpers++;
      }
      List<String> problems = new ArrayList<>();
      try {
        checkOne(unit, seed, compiled.loader, problems, stats, open, orderTwoHelpers);
      } catch (ReflectiveOperationException | RuntimeException e) {
        problems.add("exception while checking: " + FuzzTest.trace(e));
      }
      if (!problems.isEmpty()) {
        stats.failures.add(FuzzTest.describe(unit, seed, open, "its order = 2 twin:\n  "
            + String.join("\n  ", problems) + "\n--- the twin's f is @Differentiable(order = 2)"));
      }
    }
  }

  private static boolean tagged(Diagnostic<? extends JavaFileObject> d) {
    return d.getKind() == Diagnostic.Kind.ERROR
        && d.getMessage(Locale.ROOT).contains(TAG);
  }

  private static void checkOne(Unit unit, long seed, ClassLoader loader, List<String> problems,
      FuzzTest.Stats stats, Set<String> open, boolean orderTwoHelpers)
      throws ReflectiveOperationException {
    Callee f = unit.f();
    Class<?> primal = loader.loadClass(unit.qualifiedName());
    Class<?> adjoint = loader.loadClass(unit.qualifiedName() + "Adjoint");
    Method valueAndGrad = FuzzTest.method(adjoint, "fValueAndGrad");
    Method hvpMethod = FuzzTest.method(adjoint, "fHvp");
    Method hvpAtMethod = FuzzTest.method(adjoint, "fHvpAt");
    Method hessianMethod = FuzzTest.method(adjoint, "fHessian");
    // The points of the first-order check, from a stream of their own.
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x2D0D2L);
    SplittableRandom fieldRnd = new SplittableRandom(seed ^ 0xF1E1D5L);
    for (int point = 0; point < 4; point++) {
      int width = f.params().stream().mapToInt(p -> p.kind().width()).sum();
      double[] flat = new double[width];
      int at = 0;
      for (Param p : f.params()) {
        for (int k = 0; k < p.kind().width(); k++) {
          flat[at++] = FuzzTest.coordinate(p.kind(), rnd);
        }
      }
      Map<String, Double> fields = FuzzTest.fieldValues(unit, fieldRnd);
      FuzzTest.Receivers self = new FuzzTest.Receivers(primal, unit, fields);
      double[] v = FuzzTest.direction(seed ^ 0x4E55L, point,
          FuzzTest.diffCoordinates(f, flat).length);
      String where = "at " + FuzzTest.describe(f, flat) + (fields.isEmpty() ? "" : " on " + fields)
          + ", direction " + java.util.Arrays.toString(v) + ": ";
      int before = problems.size();

      Object vg = FuzzTest.invoke(valueAndGrad,
          FuzzTest.on(f, self.make(), FuzzTest.arguments(f, flat, self.make())));
      double value = (double) FuzzTest.component(vg, "value");
      double[] grad = FuzzTest.components(FuzzTest.component(vg, "grad"));

      Object hvp = FuzzTest.invoke(hvpMethod, withDirections(f, self, flat, v));
      sameBits(problems, where + "fHvp value", new double[] {(double) FuzzTest.component(hvp,
          "value")}, new double[] {value}, "fValueAndGrad's");
      sameBits(problems, where + "fHvp grad", FuzzTest.components(FuzzTest.component(hvp,
          "grad")), grad, "fValueAndGrad's");
      double[] hv = FuzzTest.components(FuzzTest.component(hvp, "hvp"));

      // fHvpAt: made at the point, its arrays changed by the caller afterwards.
      Object[] atArgs = FuzzTest.on(f, self.make(), FuzzTest.arguments(f, flat, self.make()));
      Object hvpAt = FuzzTest.invoke(hvpAtMethod, atArgs);
      FuzzTest.scramble(atArgs);
      boolean changeFields = open.contains(RECEIVER_FIELDS)
          && (open.contains(CALLEE_FIELDS) || !orderTwoHelpers);
      for (Object a : atArgs) {
        if (a != null && a.getClass() == primal && changeFields) {
          FuzzTest.scrambleFields(a, unit); // the receiver's, a receiver parameter's
        }
      }
      sameBits(problems, where + "fHvpAt value", new double[] {(double) FuzzTest.call(hvpAt,
          "value")}, new double[] {value}, "fValueAndGrad's");
      sameBits(problems, where + "fHvpAt grad", FuzzTest.components(FuzzTest.call(hvpAt, "grad")),
          grad, "fValueAndGrad's");
      Object applied = FuzzTest.call(hvpAt, "apply", FuzzTest.tangents(f, v));
      sameBits(problems, where + "fHvpAt apply", FuzzTest.components(applied), hv, "fHvp's");

      // fFunction (the form that takes examples, which every shape has) is a
      // TwiceDifferentiableFunction whose product is fHvp's, over the flattened point.
      List<Param> diffParams = f.params().stream().filter(p -> p.kind().differentiable())
          .toList();
      Method function = FuzzTest.functionByExample(adjoint, f, diffParams);
      if (function != null) {
        Object fn = FuzzTest.invoke(function, FuzzTest.constants(f, flat, diffParams,
            self.make(), new RecordArgs(unit, loader)).toArray());
        if (!(fn instanceof TwiceDifferentiableFunction twice)) {
          problems.add(where + "fFunction gave a " + fn.getClass().getInterfaces()[0].getName()
              + ", not a TwiceDifferentiableFunction");
        } else {
          double[] product = new double[v.length];
          twice.hessianVectorProduct(FuzzTest.diffCoordinates(f, flat), v.clone(), product);
          sameBits(problems, where + "fFunction(..).hessianVectorProduct", product, hv,
              "fHvp's");
        }
      }

      double[][] hessian = (double[][]) FuzzTest.invoke(hessianMethod,
          FuzzTest.on(f, self.make(), FuzzTest.arguments(f, flat, self.make())));
      if (!FuzzTest.finite(value) || !FuzzTest.finite(grad) || !FuzzTest.finite(hv)
          || !allFinite(hessian)) {
        continue; // an overflow at this point: the first-order check decides whether it is right
      }
      stats.hvpPoints++;
      if (hessian.length != v.length) {
        problems.add(where + "fHessian has " + hessian.length + " rows for " + v.length
            + " differentiable coordinates");
        continue;
      }
      double gradScale = 0;
      for (double g : grad) {
        gradScale = Math.max(gradScale, Math.abs(g));
      }
      for (int i = 0; i < v.length; i++) {
        double product = 0;
        double terms = 0;
        for (int j = 0; j < v.length; j++) {
          if (Double.doubleToLongBits(hessian[i][j]) != Double.doubleToLongBits(hessian[j][i])) {
            problems.add(where + "fHessian[" + i + "][" + j + "] = " + hessian[i][j]
                + ", but [" + j + "][" + i + "] = " + hessian[j][i] + " (not exactly symmetric)");
          }
          product += hessian[i][j] * v[j];
          terms += Math.abs(hessian[i][j] * v[j]);
        }
        // The same linear map applied two ways: they differ by rounding in the sums.
        double tolerance = 1e-7 * (terms + Math.abs(hv[i])) + 1e-12 * (1 + gradScale);
        if (!(Math.abs(product - hv[i]) <= tolerance)) {
          problems.add(where + "(fHessian v)[" + i + "] = " + product + ", but fHvp gives "
              + hv[i] + " (" + FuzzTest.diffName(f, i) + ")");
        }
      }
      if (problems.size() == before && unit.exact()) {
        stats.hvpDifferenceChecks += differences(problems, where, f, fields, flat, v, hv);
      }
    }
  }

  /** fHvp's arguments: the receiver where f is an instance method, the point, the directions. */
  private static Object[] withDirections(Callee f, FuzzTest.Receivers self, double[] flat,
      double[] v) throws ReflectiveOperationException {
    Object[] args = FuzzTest.arguments(f, flat, self.make());
    Object[] dirs = FuzzTest.tangents(f, v);
    Object[] all = java.util.Arrays.copyOf(args, args.length + dirs.length);
    System.arraycopy(dirs, 0, all, args.length, dirs.length);
    return FuzzTest.on(f, self.make(), all);
  }

  /**
   * Central differences of the reference's gradient along {@code v}, element by element, where
   * they can be trusted; the number of elements compared.
   */
  private static int differences(List<String> problems, String where, Callee f,
      Map<String, Double> fields, double[] flat, double[] v, double[] hv) {
    Reference.Result at = Reference.evaluate(f, fields, flat, 1.0);
    if (!FuzzTest.finite(at.gradient()) || at.extreme()) {
      return 0;
    }
    Reference.Dual dual = Reference.evaluateDual(f, fields, flat, v);
    int[] coordinates = diffSlots(f);
    double[] previous = null;
    double[] converged = null;
    List<double[]> seen = new ArrayList<>();
    double scaleOfPoint = 1;
    for (int i : coordinates) {
      scaleOfPoint = Math.max(scaleOfPoint, Math.abs(flat[i]));
    }
    for (double step : new double[] {1e-4, 1e-5, 1e-6}) {
      double h = step * scaleOfPoint;
      if (!(dual.phaseRate() * h <= 1e-2) || !(h >= 1e6 * dual.phaseRounding())) {
        previous = null;
        continue;
      }
      double[] up = flat.clone();
      double[] down = flat.clone();
      for (int k = 0; k < coordinates.length; k++) {
        up[coordinates[k]] += h * v[k];
        down[coordinates[k]] -= h * v[k];
      }
      Reference.Result plus = Reference.evaluate(f, fields, up, 1.0);
      Reference.Result minus = Reference.evaluate(f, fields, down, 1.0);
      if (!plus.path().equals(at.path()) || !minus.path().equals(at.path())
          || !FuzzTest.finite(plus.gradient()) || !FuzzTest.finite(minus.gradient())
          || plus.extreme() || minus.extreme()) {
        previous = null;
        continue;
      }
      double[] fd = new double[hv.length];
      for (int k = 0; k < fd.length; k++) {
        fd[k] = (plus.gradient()[k] - minus.gradient()[k]) / (2 * h);
      }
      seen.add(fd);
      if (previous != null && agree(previous, fd)) {
        converged = fd;
        break;
      }
      previous = fd;
    }
    if (converged == null) {
      return 0;
    }
    int checks = 0;
    for (int k = 0; k < hv.length; k++) {
      double scale = Math.abs(converged[k]) + Math.abs(hv[k]) + at.scale()[k] * 1e-3;
      checks++;
      if (!(Math.abs(converged[k] - hv[k]) <= DIFFERENCE_TOLERANCE * scale + 1e-6)) {
        StringBuilder steps = new StringBuilder();
        for (double[] fd : seen) {
          steps.append(' ').append(fd[k]);
        }
        problems.add(where + "fHvp d/d" + FuzzTest.diffName(f, k) + " = " + hv[k]
            + ", but central differences of the reference gradient give" + steps);
      }
    }
    return checks;
  }

  /** Two successive differences that agree element by element (not both zero everywhere). */
  private static boolean agree(double[] a, double[] b) {
    boolean nonzero = false;
    for (int k = 0; k < a.length; k++) {
      if (!(Math.abs(a[k] - b[k]) <= 1e-3 * Math.max(Math.abs(a[k]), Math.abs(b[k])) + 1e-6)) {
        return false;
      }
      nonzero |= a[k] != 0 || b[k] != 0;
    }
    return nonzero;
  }

  /** The flat slots of f's differentiable coordinates, in order. */
  private static int[] diffSlots(Callee f) {
    List<Integer> out = new ArrayList<>();
    int offset = 0;
    for (Param p : f.params()) {
      for (int k = 0; k < p.kind().width(); k++) {
        if (p.kind().differentiable()) {
          out.add(offset + k);
        }
      }
      offset += p.kind().width();
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static boolean allFinite(double[][] m) {
    for (double[] row : m) {
      if (!FuzzTest.finite(row)) {
        return false;
      }
    }
    return true;
  }

  private static void sameBits(List<String> problems, String what, double[] actual,
      double[] expected, String whose) {
    if (actual.length != expected.length) {
      problems.add(what + " has " + actual.length + " elements, " + whose + " " + expected.length);
      return;
    }
    for (int i = 0; i < actual.length; i++) {
      if (Double.doubleToLongBits(actual[i]) != Double.doubleToLongBits(expected[i])) {
        problems.add(what + " = " + java.util.Arrays.toString(actual) + ", but " + whose + " is "
            + java.util.Arrays.toString(expected));
        return;
      }
    }
  }
}
