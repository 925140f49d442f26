package dev.adjoint.processor.fuzz;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.fuzz.Program.Callee;
import dev.adjoint.processor.fuzz.Program.Param;
import dev.adjoint.processor.fuzz.Program.Unit;
import dev.adjoint.processor.step.AdjointProcessor;
import dev.adjoint.runtime.DifferentiableFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Differential fuzzing of the whole processor: random programs ({@link Generator}) are compiled in
 * memory with the processor, and every generated gradient form ({@code fValueAndGrad}, {@code
 * fVjp(..).pullback}, {@code fFunction(..).valueAndGradient}) is compared with the {@link
 * Reference} interpreter to 1e-9 of the scale of the terms summed, and with central differences
 * where the program is smooth at the point. The value must equal the primal method's bit for bit.
 *
 * <p>Each run prints its seed. {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.program=N}
 * replays one program (its seed is printed with any failure), and {@code -Dfuzz.programs=100000}
 * is the soak run (default 2000). Seeds that once failed are kept in {@code
 * fuzz/regressions.txt} and replayed on every run. {@code -Dfuzz.open=all} (or a comma-separated
 * list of {@link Generator#OPEN_BUGS}) also generates, or checks, what processor bugs still open
 * break (see {@link Generator}).
 *
 * <p>Forward mode: {@code fJvp} along a random direction must give the primal's value bit for bit
 * and match the reference's own forward mode, dual numbers along the same direction ({@link
 * Reference#evaluateDual}), to 1e-9 of the scale of its terms; and the reference gradient along
 * the direction, as before.
 *
 * <p>Instance methods (version 12) get a fresh receiver, made through the class's constructor
 * with field values drawn per point, first in every call; after {@code fVjp} the fields that are
 * not final are changed, which the pullback must not see.
 *
 * <p>Helpers that return {@code double[]} are checked on their own as well: {@code hVjp(..)} at
 * random points, with a random cotangent array, against the reference; {@code hJvp} and {@code
 * hJacobian} against its rows and against its dual numbers.
 */
class FuzzTest {
  private static final int BATCH = 100;
  private static final int POINTS = 4;
  private static final double TOLERANCE = 1e-9;
  /** Whether failing programs are shrunk before they are printed ({@code -Dfuzz.shrink=false}). */
  private static final boolean SHRINK =
      Boolean.parseBoolean(System.getProperty("fuzz.shrink", "true"));
  /**
   * A soak run ({@code -Dfuzz.soak=true}): programs may be long enough to approach the JVM's limit
   * on a method's bytecode (see {@link Generator#LONG_ONE_IN}).
   */
  static final boolean SOAK = Boolean.getBoolean("fuzz.soak");

  /**
   * One program in SPLIT_ONE_IN (by its seed) is compiled with {@code -Aadjoint.splitAbove=0}, so
   * that every derivative in it takes the split form that long methods get.
   */
  static final int SPLIT_ONE_IN = 10;

  static boolean split(long seed) {
    return Math.floorMod(seed, SPLIT_ONE_IN) == 0;
  }

  /** The open processor bugs whose programs or checks this run includes ({@link Generator}). */
  private static final Set<String> OPEN = Generator.open(System.getProperty("fuzz.open", ""));

  @Test
  void generatedGradientsAgreeWithTheReference() {
    long runSeed = Long.getLong("fuzz.seed", new SecureRandom().nextLong());
    int count = Integer.getInteger("fuzz.programs", 2000);
    List<Long> seeds = new ArrayList<>();
    Long single = Long.getLong("fuzz.program");
    if (single != null) {
      seeds.add(single);
    } else {
      SplittableRandom rnd = new SplittableRandom(runSeed);
      for (int i = 0; i < count; i++) {
        seeds.add(rnd.nextLong());
      }
    }
    System.out.printf(Locale.ROOT, "fuzz: %d programs, run seed %d (replay: -Dfuzz.seed=%d)%n",
        seeds.size(), runSeed, runSeed);
    Stats stats = run(seeds, OPEN);
    System.out.println("fuzz: " + stats);
    stats.assertClean("run seed " + runSeed);
  }

  /**
   * Versions 18's to 21's salts keep the programs of the seeds in fuzz/regressions.txt: rendered
   * with and without their parts, each is the same program (Generator.DISCRETE_SALT,
   * Generator.GETTERS_SALT, Generator.PRIVATE_SALT, Generator.REDUCTION_SALT).
   */
  @Test
  void regressionSeedsKeepTheirPrograms() throws IOException {
    Map<Set<String>, List<Long>> all = new HashMap<>();
    int version = regressionSeeds(all);
    assertEquals(Generator.VERSION, version);
    List<Long> changed = new ArrayList<>();
    for (Map.Entry<Set<String>, List<Long>> e : all.entrySet()) {
      for (long seed : e.getValue()) {
        String with = Generator.generate(seed, "P0", e.getKey()).render();
        Generator.discreteAfterCalls = false;
        Generator.getterReads = false;
        Generator.privateFieldDecls = false;
        Generator.reductionLoops = false;
        try {
          if (!Generator.generate(seed, "P0", e.getKey()).render().equals(with)) {
            changed.add(seed);
          }
        } finally {
          Generator.discreteAfterCalls = true;
          Generator.getterReads = true;
          Generator.privateFieldDecls = true;
          Generator.reductionLoops = true;
        }
      }
    }
    assertTrue(changed.isEmpty(), "seeds whose programs versions 18 to 21 change: " + changed);
  }

  /**
   * The seeds of fuzz/regressions.txt into {@code seeds}, by the open bugs they replay with (the
   * empty set for most); returns the generator version the file names.
   */
  private static int regressionSeeds(Map<Set<String>, List<Long>> seeds) throws IOException {
    int version = -1;
    try (InputStream in = FuzzTest.class.getResourceAsStream("/fuzz/regressions.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        String s = line.replaceAll("#.*", "").trim();
        if (s.startsWith("version ")) {
          version = Integer.parseInt(s.substring("version ".length()).trim());
        } else if (!s.isEmpty()) {
          String[] words = s.split("\\s+");
          seeds.computeIfAbsent(words.length == 1 ? Set.of() : Generator.open(words[1]),
              k -> new ArrayList<>()).add(Long.parseLong(words[0]));
        }
      }
    }
    return version;
  }

  @Test
  void regressionSeedsStillPass() throws IOException {
    Map<Set<String>, List<Long>> openSeeds = new HashMap<>();
    int version = regressionSeeds(openSeeds);
    List<Long> seeds = openSeeds.getOrDefault(Set.of(), List.of());
    openSeeds.remove(Set.of());
    assertEquals(Generator.VERSION, version,
        "fuzz/regressions.txt holds seeds of another generator version; see Generator.VERSION");
    // Right after a version change the list may be empty: older seeds live on as closed-form
    // tests in FuzzFoundTest.
    List<String> failures = new ArrayList<>();
    if (!seeds.isEmpty()) {
      failures.addAll(run(seeds, Set.of(), false).failures);
    }
    // Seeds of open processor bugs: they fail until the processor is fixed.
    for (Map.Entry<Set<String>, List<Long>> e : openSeeds.entrySet()) {
      failures.addAll(run(e.getValue(), e.getKey(), false).failures);
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " regression seed(s) fail:\n\n"
          + failures.stream().limit(5).collect(Collectors.joining("\n\n")));
    }
  }

  /**
   * An unsupported statement injected into a valid program, and the tag it must draw; with
   * {@code inArrayMethod}, into a method {@link #ARRAY_METHOD} added before {@code f}.
   */
  private record Injection(String statement, String tag, boolean inArrayMethod) {
    Injection(String statement, String tag) {
      this(statement, tag, false);
    }
  }

  /** A valid {@code double[]} method, before its last line; ARGS: f's arguments. */
  private static final List<String> ARRAY_METHOD = List.of(
      "  @Differentiable",
      "  static double[] q(double[] qa, double[] qb, double qx) {",
      "    double[] qc = new double[qa.length];",
      "    return qc;",
      "  }",
      "");

  private static final List<Injection> OUTSIDE_THE_SUBSET = List.of(
      new Injection("switch ((int) x0) { default: x0 = 1.0; }", "AdjointUnsupportedConstruct"),
      new Injection("for (double v : new double[] {x0}) { x0 += v; }", "AdjointUnsupportedConstruct"),
      // (an initializer alone is supported since stop 24; one assigned to the array again is not)
      new Injection("double[] array = {x0}; array = new double[] {x0, x0};", "AdjointArrayAlias"),
      new Injection(
          "java.util.function.DoubleUnaryOperator op = v -> v * 2;", "AdjointUnsupportedConstruct"),
      new Injection("try { x0 = x0 * 2; } finally { x0 += 1; }", "AdjointUnsupportedConstruct"),
      new Injection("x0 = (float) x0;", "AdjointUnsupportedType"),
      new Injection("x0 = Math.ulp(x0) * x0;", "AdjointUnsupportedCall"),
      new Injection("x0 = Math.fma(x0, x0, 1.0);", "AdjointUnsupportedCall"),
      // double[] results: returns of anything but a local array named by itself or a call's
      // array, or from inside a loop
      new Injection("double[] qa = new double[3]; double v = Rules.softmax(qa, x0)[0];",
          "AdjointUnsupportedConstruct"),
      new Injection("if (qx > 0) { return qx > 1 ? qa : qb; }", "AdjointUnsupportedConstruct",
          true),
      new Injection("for (int q = 0; q < qa.length; q++) { if (qa[q] > qx) { return qb; } }",
          "AdjointUnsupportedConstruct", true),
      // ... and of a parameter, which the caller would share with the array it passed
      new Injection("if (qx > 0) { return qa; }", "AdjointArrayAlias", true),
      // a box of a differentiable value made a double again (docs/diagnostics.md, Decisions)
      new Injection("Double dq = x0 * 2; x0 = dq * 3;", "AdjointDetour"),
      new Injection("Object oq = x0; x0 += (Double) oq;", "AdjointDetour"),
      new Injection("Number nq = x0; x0 = nq.doubleValue();", "AdjointDetour"),
      // a scratch array given to an unannotated method (only @NoDiff data may be)
      new Injection("double[] yq = new double[3]; Rules.flip(yq);", "AdjointUnsupportedCall"),
      // a discrete local likewise (version 11 generates only parameters for unannotated calls)
      new Injection("int[] jq = new int[3]; java.util.Arrays.sort(jq);",
          "AdjointUnsupportedCall"));

  /**
   * Valid programs with one unsupported statement injected first into {@code f}: each must draw
   * its tagged error at that line, every error must be tagged, and nothing may escape the
   * processor.
   */
  @Test
  void programsOutsideTheSubsetGetATaggedErrorAtTheirLine() {
    long runSeed = Long.getLong("fuzz.seed", new SecureRandom().nextLong());
    int count = Integer.getInteger("fuzz.outside", 200);
    System.out.printf(Locale.ROOT, "fuzz: %d programs outside the subset, run seed %d%n",
        count, runSeed);
    SplittableRandom rnd = new SplittableRandom(runSeed ^ 0x0FF5EEDL);
    List<String> failures = new ArrayList<>();
    // One batch per kind: the processor reports errors in stages (reading bodies, planning calls
    // across classes, differentiating), and one class's error in an earlier stage stops the later
    // stages of the whole round, as javac's own stages do.
    int perKind = Math.max(1, count / OUTSIDE_THE_SUBSET.size());
    int index = 0;
    for (Injection injection : OUTSIDE_THE_SUBSET) {
      List<JavaFileObject> files = new ArrayList<>();
      files.add(JavaFileObjects.forSourceString(Rules.PACKAGE + "." + Rules.CLASS, Rules.source()));
      Map<String, Integer> expectedLine = new HashMap<>();
      Map<String, Injection> injected = new HashMap<>();
      Map<String, String> sources = new HashMap<>();
      for (int i = 0; i < perKind; i++, index++) {
        // flat (version 14): the injected statements assign f's parameters by name
        Unit unit = Generator.generate(rnd.nextLong(), "Q" + index).withoutRecords();
        String args = unit.f().params().stream().map(Param::name).collect(Collectors.joining(", "));
        List<String> lines = new ArrayList<>(List.of(unit.render().split("\\n", -1)));
        int header = lines.indexOf(lines.stream().filter(l -> l.contains(" double f(")).findFirst()
            .orElseThrow());
        int line;
        if (injection.inArrayMethod()) {
          // q goes before f's annotation; the statement before q's last line (return qc;)
          lines.addAll(header - 1, ARRAY_METHOD);
          line = header - 1 + ARRAY_METHOD.size() - 3;
        } else {
          line = header + 1;
        }
        lines.add(line, "    " + injection.statement().replace("ARGS", args));
        String source = String.join("\n", lines);
        files.add(JavaFileObjects.forSourceString(unit.qualifiedName(), source));
        expectedLine.put(unit.className(), line + 1); // 1-based
        injected.put(unit.className(), injection);
        sources.put(unit.className(), source);
      }
      Compilation compilation;
      try {
        compilation = javac().withProcessors(new AdjointProcessor())
            .withOptions("-Xlint:all,-processing").compile(files);
      } catch (RuntimeException e) {
        failures.add("the processor threw on " + injection + ": " + trace(e));
        continue;
      }
      Map<String, List<String>> found = new HashMap<>();
      for (Diagnostic<? extends JavaFileObject> d : compilation.errors()) {
        String message = d.getMessage(Locale.ROOT);
        String file = d.getSource() == null ? "?" : d.getSource().getName();
        String className = file.replaceAll(".*/", "").replace(".java", "");
        if (!message.startsWith("[Adjoint") || message.startsWith("[AdjointInternalError]")) {
          failures.add("an untagged or internal error in " + file + ": " + d);
          continue;
        }
        found.computeIfAbsent(className, k -> new ArrayList<>())
            .add(d.getLineNumber() + ": " + message);
      }
      for (Map.Entry<String, Injection> e : injected.entrySet()) {
        String expected = expectedLine.get(e.getKey()) + ": [" + e.getValue().tag() + "]";
        List<String> got = found.getOrDefault(e.getKey(), List.of());
        if (got.stream().noneMatch(m -> m.startsWith(expected))) {
          failures.add("expected " + expected + " in " + e.getKey() + ", got " + got + "\n"
              + sources.get(e.getKey()));
        }
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " failure(s), run seed " + runSeed + ":\n"
          + failures.stream().limit(3).collect(Collectors.joining("\n\n")));
    }
  }

  // ---------------------------------------------------------------- driving

  /** The comment a gradient's fused sweep begins with (codegen's Sweeps.gradient). */
  static final String FUSED_SWEEP = "// the forward sweep runs the reverse sweep of its last loop";

  /** What a run saw; failures carry the seed and the program. */
  static final class Stats {
    int programs;
    int points;
    int skippedPoints;
    int differenceChecks;
    /**
     * Points at which fJvp's tangent was compared with the reference gradient along a direction
     * (with rules linearised, {@link Reference#evaluateLinearised}).
     */
    int jvps;
    /**
     * Points at which fJvp's tangent was compared with the reference's own forward mode, dual
     * numbers along the same direction ({@link Reference#evaluateDual}).
     */
    int dualJvps;
    /** Points where the dual-number reference was not finite or extreme: not compared. */
    int dualSkipped;
    /** Of {@link #dualJvps}, those where a zero tangent met an infinite or NaN partial. */
    int dualSingular;
    /** Of {@link #dualJvps}, those at points the gradient checks skip (non-finite or extreme). */
    int dualOnly;
    /** Points at which a double[] helper's own hVjp was compared. */
    int arrayHelperPoints;
    /** Points at which fJvpWorkspace was compared with fJvp, bit for bit, over two calls. */
    int jvpWorkspaces;
    /** Points at which a double[] helper's hJvp and hJacobian were compared. */
    int arrayHelperJvps;
    /**
     * Points whose non-finite forward result was not compared (open bug zeroTangentOverflow).
     */
    int zeroTangentOverflows;
    /** Points at which a double[] helper's hJvp and hJacobian were compared with dual numbers. */
    int arrayHelperDualJvps;
    /**
     * Points of an {@code f} that takes records (version 14) at which its {@code fFlat...}
     * members were compared with the members over records.
     */
    int recordPoints;
    /** Programs whose order = 2 twin compiled and was checked ({@link SecondOrderCheck}). */
    int hvpPrograms;
    /** Twins rejected with the tagged error for what second order does not support yet. */
    int hvpRejected;
    /**
     * Checked twins that call a {@code @CustomJvp(order = 2)} rule, or whose helpers are {@code
     * order = 2} too (since stop 25: calls not written in go through the callee's products).
     */
    int hvpThroughRules;
    /**
     * Checked twins that call a {@code @CustomVjp(order = 2)} rule ({@link
     * Rules#ORDER_TWO_VJP_RULES}: softplus, product, scaledSin, squares), which second-order
     * compilations declare {@code order = 2} (before, their order = 2 callers implied it).
     */
    int hvpThroughVjpRules;
    int hvpOrderTwoHelpers;
    /** Points at which a twin's fHvp, fHvpAt and fHessian were compared. */
    int hvpPoints;
    /** Elements of fHvp compared with central differences of the reference's gradient. */
    int hvpDifferenceChecks;
    /** Programs with a helper with out-parameters, and with Math.pow(e, k) at k maybe 0 (v16). */
    int outParameterPrograms;
    int powAtZeroPrograms;
    /** Programs with a helper that returns {@code double[][]} (version 16). */
    int matrixResultPrograms;
    /** Points at which such a helper's hmVjp pullback and hmJvp tangent were compared. */
    int matrixHelperPoints;
    int matrixHelperJvps;
    /** Programs that read a double field through an object a field holds ({@code fc0.k}). */
    int objectFieldPrograms;
    /**
     * Programs with version 17's helpers {@code hp0}.. (called in loops); those in which some
     * method's generated derivative holds the body of an {@code hp} helper written in (its
     * {@code // line N} comments: {@link #writtenIn}), and those in which one holds two helpers'
     * bodies (a chain written in, or two helpers).
     */
    int loopHelperPrograms;
    int writtenInPrograms;
    int writtenInChainPrograms;
    /**
     * Programs in whose generated code some gradient runs the reverse sweep of a loop inside its
     * forward sweep (the fused sweep, since stop 33: its generated comment).
     */
    int fusedPrograms;
    final List<String> failures = new ArrayList<>();

    void assertClean(String context) {
      if (!failures.isEmpty()) {
        String shown = failures.stream().limit(5).collect(Collectors.joining("\n\n"));
        fail(failures.size() + " fuzz failure(s) (" + context + "):\n\n" + shown);
      }
      if (programs < 20) {
        return; // a replay of one program: its points may all be skipped, and that is no failure
      }
      assertTrue(points > programs, "too few points were compared: " + this);
      assertTrue(2 * jvps > points, "too few JVPs were compared: " + this);
      assertTrue(2 * dualJvps > points, "too few JVPs were compared with dual numbers: " + this);
      if (programs >= 500) {
        // About one program in 30 has a twin (SecondOrderCheck.eligible): 500 programs give 17.
        assertTrue(100 * hvpPrograms > programs && hvpDifferenceChecks > 0,
            "too few order = 2 twins were checked: " + this);
        // Version 21's reduction loops: about one program in eleven fuses (stop 33: 18 of 200).
        assertTrue(50 * fusedPrograms > programs, "too few fused sweeps were checked: " + this);
      }
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "%d programs, %d points compared, %d points skipped (non-finite or extreme), "
              + "%d central-difference checks, %d JVPs against the gradient, %d against dual"
              + " numbers (%d through a zero tangent times an infinite or NaN partial, %d at"
              + " points the gradient checks skip; %d skipped), %d fJvpWorkspace points (bit for"
              + " bit fJvp's), %d double[] helper points (%d"
              + " with hJvp and hJacobian against its rows, %d against dual numbers), %d"
              + " non-finite JVPs not compared (open bug zeroTangentOverflow), %d points of an f"
              + " that takes records (fFlat... members bit for bit its members'), %d order = 2"
              + " twins (%d rejected as unsupported; %d calling @CustomJvp(order = 2) rules, %d"
              + " calling @CustomVjp(order = 2) rules, %d with order = 2 helpers) with fHvp,"
              + " fHvpAt and fHessian at %d points"
              + " (%d elements against differences of the reference gradient), %d programs with"
              + " a helper with out-parameters, %d with a double[][] helper (%d points of its"
              + " hmVjp pullback, %d of its hmJvp against dual numbers), %d with Math.pow at"
              + " an exponent that may be 0,"
              + " %d reading a field through an object a field holds (fc0.k), %d with helpers"
              + " hp called in loops (%d with an hp body written into a caller's derivative, %d"
              + " with two helpers' bodies in one), %d with a fused sweep, %d failures",
          programs, points, skippedPoints, differenceChecks, jvps, dualJvps, dualSingular,
          dualOnly, dualSkipped, jvpWorkspaces, arrayHelperPoints, arrayHelperJvps,
          arrayHelperDualJvps, zeroTangentOverflows, recordPoints, hvpPrograms, hvpRejected,
          hvpThroughRules, hvpThroughVjpRules, hvpOrderTwoHelpers, hvpPoints,
          hvpDifferenceChecks,
          outParameterPrograms, matrixResultPrograms, matrixHelperPoints, matrixHelperJvps,
          powAtZeroPrograms, objectFieldPrograms, loopHelperPrograms, writtenInPrograms,
          writtenInChainPrograms, fusedPrograms, failures.size());
    }
  }

  /**
   * The most bodies of version 17's helpers {@code hp0}.. that one member of the generated
   * {@code adjoint} source holds besides its own method's (by the {@code // line N} comments the
   * generated code carries: a line of a helper's body in another method's derivative is that
   * body written in, by the processor's Inliner).
   */
  static int writtenIn(Unit unit, String adjoint) {
    String[] lines = unit.render().split("\n", -1);
    // the body lines (1-based) of each method: from its header to the line "  }"
    Map<Integer, String> owner = new HashMap<>();
    java.util.regex.Pattern header =
        java.util.regex.Pattern.compile("^  [\\w<>\\[\\] ]*\\b(\\w+)\\(.*\\{$");
    String current = null;
    for (int i = 0; i < lines.length; i++) {
      java.util.regex.Matcher m = header.matcher(lines[i]);
      if (m.find() && !lines[i].contains(" class ") && !lines[i].contains(" record ")) {
        current = m.group(1);
      } else if (lines[i].equals("  }")) {
        current = null;
      } else if (current != null) {
        owner.put(i + 1, current);
      }
    }
    int most = 0;
    java.util.regex.Pattern comment = java.util.regex.Pattern.compile("^\\s*// line (\\d+)$");
    Set<String> member = new java.util.HashSet<>();
    for (String line : (adjoint + "\n  }").split("\n")) {
      if (line.startsWith("  ") && !line.startsWith("   ")) {
        // a member of the adjoint class begins or ends: count the helpers' bodies in the last
        // (one of them its own where it holds nothing else)
        long helpers = member.stream().filter(n -> n.startsWith(Generator.LOOP_HELPER)).count();
        boolean other = member.stream().anyMatch(n -> !n.startsWith(Generator.LOOP_HELPER));
        most = Math.max(most, (int) helpers - (other ? 0 : 1));
        member.clear();
      }
      java.util.regex.Matcher m = comment.matcher(line);
      if (m.find() && owner.containsKey(Integer.parseInt(m.group(1)))) {
        member.add(owner.get(Integer.parseInt(m.group(1))));
      }
    }
    return most;
  }

  /** Version 16's Math.pow at an exponent that may be 0, in a rendered program. */
  private static final java.util.regex.Pattern POW_AT_ZERO = java.util.regex.Pattern.compile(
      "Math\\.pow\\([^;]*, ((\\(\\(double\\) )?Math\\.floorMod\\(|\\(\\w+ \\* 0\\)\\))");

  static Stats run(List<Long> seeds, Set<String> open) {
    return run(seeds, open, SHRINK);
  }

  /** As above; {@code shrink}: whether failing programs are shrunk. */
  static Stats run(List<Long> seeds, Set<String> open, boolean shrink) {
    Stats stats = new Stats();
    for (int start = 0; start < seeds.size(); start += BATCH) {
      List<Long> batchSeeds = seeds.subList(start, Math.min(seeds.size(), start + BATCH));
      List<Unit> units = new ArrayList<>();
      Map<String, Long> seedOf = new HashMap<>();
      for (int i = 0; i < batchSeeds.size(); i++) {
        Unit unit = Generator.generate(batchSeeds.get(i), "P" + (start + i), open, SOAK);
        units.add(unit);
        seedOf.put(unit.className(), batchSeeds.get(i));
      }
      for (boolean split : new boolean[] {false, true}) {
        List<Unit> group = units.stream()
            .filter(u -> split(seedOf.get(u.className())) == split).toList();
        if (!group.isEmpty()) {
          checkGroup(group, split, seedOf, open, shrink, stats);
        }
      }
      SecondOrderCheck.check(units, seedOf, open, stats);
    }
    return stats;
  }

  /** Compiles {@code units} together (split or not) and checks each. */
  private static void checkGroup(List<Unit> units, boolean split, Map<String, Long> seedOf,
      Set<String> open, boolean shrink, Stats stats) {
    {
      Compiled compiled = compile(units, split);
      if (compiled.problem != null) {
        // Find the programs at fault one by one, so each failure names its own seed.
        for (Unit unit : units) {
          Compiled alone = compile(List.of(unit), split);
          if (alone.problem != null) {
            stats.failures.add(
                describe(unit, seedOf.get(unit.className()), open, alone.problem));
          }
        }
        return;
      }
      for (Unit unit : units) {
        stats.programs++;
        if (unit.helpers().stream().anyMatch(Callee::writesOut)) {
          stats.outParameterPrograms++;
        }
        if (unit.helpers().stream().anyMatch(Callee::returnsMatrix)) {
          stats.matrixResultPrograms++;
        }
        if (POW_AT_ZERO.matcher(unit.render()).find()) {
          stats.powAtZeroPrograms++;
        }
        if (unit.render().contains("." + Program.OBJECT_FIELD + " ")
            || unit.render().contains("." + Program.OBJECT_FIELD + ")")) {
          stats.objectFieldPrograms++;
        }
        if (unit.helpers().stream().anyMatch(h -> h.name().startsWith(Generator.LOOP_HELPER))) {
          stats.loopHelperPrograms++;
          int written = writtenIn(unit,
              compiled.generated.getOrDefault(unit.className() + "Adjoint", ""));
          if (written > 0) {
            stats.writtenInPrograms++;
          }
          if (written > 1) {
            stats.writtenInChainPrograms++;
          }
        }
        if (compiled.generated.getOrDefault(unit.className() + "Adjoint", "")
            .contains(FUSED_SWEEP)) {
          stats.fusedPrograms++;
        }
        long seed = seedOf.get(unit.className());
        int before = stats.failures.size();
        String thrown = null;
        try {
          check(unit, seed, open, compiled.loader, stats);
        } catch (ReflectiveOperationException | RuntimeException e) {
          thrown = signature(e);
          stats.failures.add(
              describe(unit, seed, open, "exception while checking: " + trace(e)));
        }
        if (stats.failures.size() > before && shrink) {
          String exception = thrown;
          String[] why = {null};
          Unit small = Shrinker.shrink(unit,
              candidate -> failsAlone(candidate, seed, open, exception, why), 400);
          stats.failures.set(before, stats.failures.get(before) + "\n--- shrunk to:\n"
              + small.render() + (why[0] == null ? "" : "--- which fails with:\n" + why[0]));
        }
      }
    }
  }

  /**
   * Whether {@code unit} alone compiles cleanly and still gives a wrong gradient, or, when the
   * original failure was an exception ({@code exception}: its {@link #signature}), still throws
   * the same one. {@code why[0]} is set to the failure of the last program accepted, so that the
   * shrunk program is printed with its own failure (which may differ from the original's).
   */
  private static boolean failsAlone(
      Unit unit, long seed, Set<String> open, String exception, String[] why) {
    Compiled compiled = compile(List.of(unit), split(seed));
    if (compiled.problem != null) {
      return false;
    }
    Stats stats = new Stats();
    try {
      check(unit, seed, open, compiled.loader, stats);
    } catch (ReflectiveOperationException | RuntimeException e) {
      boolean same = exception != null && exception.equals(signature(e));
      if (same) {
        why[0] = trace(e);
      }
      return same;
    }
    if (exception == null && !stats.failures.isEmpty()) {
      String failure = stats.failures.get(0);
      int source = failure.indexOf("\n--- ");
      why[0] = (source < 0 ? failure : failure.substring(0, source)) + "\n";
      return true;
    }
    return false;
  }

  /** An exception's root cause: its class and the method that threw it. */
  private static String signature(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    StackTraceElement[] frames = root.getStackTrace();
    return root.getClass().getName()
        + (frames.length == 0 ? "" : " in " + frames[0].getMethodName());
  }

  static final class Compiled {
    String problem;
    ClassLoader loader;
    /** The diagnostics other than notes, where there was no exception. */
    final List<Diagnostic<? extends JavaFileObject>> errors = new ArrayList<>();
    /** The generated sources, by simple class name ({@code P3Adjoint}). */
    final Map<String, String> generated = new HashMap<>();
  }

  /** {@code split}: with {@code -Aadjoint.splitAbove=0} (see {@link #SPLIT_ONE_IN}). */
  static Compiled compile(List<Unit> units, boolean split) {
    Map<String, String> sources = new java.util.LinkedHashMap<>();
    for (Unit unit : units) {
      sources.put(unit.qualifiedName(), unit.render());
    }
    return compile(sources, split);
  }

  /** As above, for sources by qualified class name (with fuzz.Rules beside them). */
  static Compiled compile(Map<String, String> sources, boolean split) {
    return compile(sources, split, Rules.source(!split));
  }

  /** As above, with {@code rules} as the source of fuzz.Rules (see Rules.secondOrderSource). */
  static Compiled compile(Map<String, String> sources, boolean split, String rules) {
    List<JavaFileObject> files = new ArrayList<>();
    files.add(JavaFileObjects.forSourceString(Rules.PACKAGE + "." + Rules.CLASS, rules));
    for (Map.Entry<String, String> source : sources.entrySet()) {
      files.add(JavaFileObjects.forSourceString(source.getKey(), source.getValue()));
    }
    Compiled result = new Compiled();
    Compilation compilation;
    try {
      compilation = javac()
          .withProcessors(new AdjointProcessor())
          .withOptions(split
              ? List.of("-Xlint:all,-processing", "-Aadjoint.splitAbove=0")
              : List.of("-Xlint:all,-processing"))
          .compile(files);
    } catch (RuntimeException e) {
      result.problem = "the compiler or processor threw: " + trace(e);
      return result;
    }
    List<String> bad = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
      if (d.getKind() != Diagnostic.Kind.NOTE) {
        bad.add(d.toString());
        result.errors.add(d);
      }
    }
    if (compilation.status() != Compilation.Status.SUCCESS || !bad.isEmpty()) {
      result.problem = "compilation reported:\n" + String.join("\n", bad);
      return result;
    }
    Map<String, byte[]> classes = new HashMap<>();
    for (JavaFileObject file : compilation.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.SOURCE) {
        String path = file.toUri().getPath();
        try {
          result.generated.put(path.substring(path.lastIndexOf('/') + 1,
              path.length() - ".java".length()), file.getCharContent(true).toString());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        String path = file.toUri().getPath();
        String name = path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length(),
            path.length() - ".class".length()).replace('/', '.');
        try (InputStream in = file.openInputStream()) {
          classes.put(name, in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    result.loader = new ClassLoader(FuzzTest.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
      }
    };
    return result;
  }

  // ---------------------------------------------------------------- checking one program

  private static void check(
      Unit unit, long seed, Set<String> open, ClassLoader loader, Stats stats)
      throws ReflectiveOperationException {
    Callee f = unit.f();
    Class<?> primal = loader.loadClass(unit.qualifiedName());
    Class<?> adjoint = loader.loadClass(unit.qualifiedName() + "Adjoint");
    Method primalF = method(primal, "f");
    Method valueAndGrad = method(adjoint, "fValueAndGrad");
    Method vjp = method(adjoint, "fVjp");
    // Version 14: where f takes records, its members take them (built around the flat arguments
    // by RecordArgs), and the members over the leaves are fFlat...: fFlatFunction among them.
    RecordArgs rec = new RecordArgs(unit, loader);
    List<Param> diffParams = f.params().stream().filter(p -> p.kind().differentiable()).toList();
    // Every mix of scalars, arrays and matrices has fFunction(examples..., nondiff...), and,
    // with at least one of them, fFlatten and fUnflatten.
    Method function = rec.any()
        ? recordFunction(adjoint, f, rec)
        : functionByExample(adjoint, f, diffParams);
    if (function == null) {
      throw new AssertionError("no fFunction(examples..., nondiff...) generated for "
          + f.params());
    }
    // (With records, fFlatten and fUnflatten take and give records: RecordsTest checks them.)
    Method flatten = diffParams.isEmpty() || rec.any() ? null : method(adjoint, "fFlatten");
    Method unflatten = diffParams.isEmpty() || rec.any() ? null : method(adjoint, "fUnflatten");
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
    // The receiver's fields (version 12): a stream of their own, so points stay what they were.
    SplittableRandom fieldRnd = new SplittableRandom(seed ^ 0xF1E1D5L);
    for (int point = 0; point < POINTS; point++) {
      // The point, flattened: each parameter in order, an array taking LENGTH slots.
      int width = f.params().stream().mapToInt(p -> p.kind().width()).sum();
      double[] flat = new double[width];
      int at = 0;
      for (Param p : f.params()) {
        for (int k = 0; k < p.kind().width(); k++) {
          flat[at++] = coordinate(p.kind(), rnd);
        }
      }
      Map<String, Double> fields = fieldValues(unit, fieldRnd);
      Receivers self = new Receivers(primal, unit, fields);
      Object[] boxed = arguments(f, flat, self.make());
      List<Object> constants = constants(f, flat, diffParams, self.make(), rec);
      double[] diffPoint = diffCoordinates(f, flat);
      double cotangent = rnd.nextBoolean() ? 1.0 : rnd.nextDouble(-2, 2);
      String where = "at " + describe(f, flat) + (fields.isEmpty() ? "" : " on " + fields)
          + ", cotangent " + cotangent;

      // Every form must call the unannotated methods with effects (fuzz.Rules: next, level, log,
      // flip) as often and in the same order as the primal, and leave the argument arrays as the
      // primal leaves them (it may change @NoDiff data through flip or Arrays.sort).
      List<String> problems = new ArrayList<>();
      resetEffects(loader);
      double value = (double) (f.instance()
          ? invokeOn(primalF, self.make(), surface(rec, boxed))
          : invoke(primalF, surface(rec, boxed)));
      String effects = effects(loader);
      double[] after = flatten(f, boxed);
      Object[] vgArgs = arguments(f, flat, self.make());
      resetEffects(loader);
      Object vg = invoke(valueAndGrad, on(f, self.make(), surface(rec, vgArgs)));
      sameEffects(problems, "fValueAndGrad", loader, effects);
      sameArguments(problems, "fValueAndGrad", f, vgArgs, after);
      Object[] vjpArgs = arguments(f, flat, self.make());
      Object vjpReceiver = self.make();
      resetEffects(loader);
      Object pulled = invoke(vjp, on(f, vjpReceiver, surface(rec, vjpArgs)));
      sameEffects(problems, "fVjp", loader, effects);
      sameArguments(problems, "fVjp", f, vjpArgs, after);
      // A Vjp is a snapshot: the caller may change its arrays (and the receiver's fields that
      // are not final) before pullback, which must still give the gradient (and value() the
      // value) where fVjp was called.
      scramble(rec.toScramble(vjpArgs, OPEN.contains(RecordArgs.VJP_SNAPSHOT)));
      scrambleFields(vjpReceiver, unit);
      for (Object a : vjpArgs) {
        if (a != null && a.getClass() == primal) {
          scrambleFields(a, unit); // a receiver parameter's
        }
      }
      double vgValue = (double) component(vg, "value");
      double[] vgGrad = gradient(rec, component(vg, "grad"), vgArgs, problems, "fValueAndGrad");
      double vjpValue = (double) call(pulled, "value");
      double[] vjpGrad = gradient(rec, call(pulled, "pullback", cotangent), vjpArgs, problems,
          "fVjp(..).pullback");
      sameEffects(problems, "fVjp(..).pullback", loader, effects); // it calls nothing

      same(problems, "fValueAndGrad value", vgValue, value);
      same(problems, "fVjp value (after its arguments were changed)", vjpValue, value);
      {
        // pullback "may be called any number of times"
        double[] again = gradient(rec, call(pulled, "pullback", cotangent), vjpArgs, problems,
            "fVjp(..).pullback (again)");
        if (!java.util.Arrays.equals(vjpGrad, again)) {
          problems.add("fVjp pullback called twice gave " + java.util.Arrays.toString(vjpGrad)
              + ", then " + java.util.Arrays.toString(again));
        }
      }
      if (flatten != null) {
        // fFlatten and fUnflatten: the point the function forms take, both ways.
        Object[] args = arguments(f, flat, self.make());
        List<Object> diffArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
          if (f.params().get(i).kind().differentiable()) {
            diffArgs.add(args[i]);
          }
        }
        double[] flattened = (double[]) invoke(flatten, diffArgs.toArray());
        if (!java.util.Arrays.equals(flattened, diffPoint)) {
          problems.add("fFlatten gave " + java.util.Arrays.toString(flattened) + " for the point "
              + java.util.Arrays.toString(diffPoint));
        }
        List<Object> unflattenArgs = new ArrayList<>();
        unflattenArgs.add(diffPoint.clone());
        unflattenArgs.addAll(examples(diffParams));
        double[] unflattened = components(invoke(unflatten, unflattenArgs.toArray()));
        if (!java.util.Arrays.equals(unflattened, diffPoint)) {
          problems.add("fUnflatten gave " + java.util.Arrays.toString(unflattened)
              + " for the point " + java.util.Arrays.toString(diffPoint));
        }
      }
      double[] fnGrad = null;
      if (function != null) {
        DifferentiableFunction fn = (DifferentiableFunction) invoke(function, constants.toArray());
        fnGrad = new double[diffPoint.length];
        resetEffects(loader);
        same(problems, "fFunction value",
            fn.valueAndGradient(rec.any() ? rec.toFlatMemberOrder(diffPoint) : diffPoint.clone(),
                fnGrad), value);
        if (rec.any()) {
          fnGrad = rec.fromFlatMemberOrder(fnGrad);
        }
        sameEffects(problems, "fFunction(..).valueAndGradient", loader, effects);
      }
      // The workspace form, twice on one workspace (the second call reuses its tape and
      // buffers): the same bits as fValueAndGrad.
      Object workspace = invoke(method(adjoint, "fWorkspace"));
      for (int call = 0; call < 2; call++) {
        Object[] wsArgs = arguments(f, flat, self.make());
        resetEffects(loader);
        double wsValue = (double) call(workspace, "valueAndGrad",
            on(f, self.make(), surface(rec, wsArgs)));
        same(problems, "fWorkspace value (call " + (call + 1) + ")", wsValue, value);
        sameEffects(problems, "fWorkspace.valueAndGrad (call " + (call + 1) + ")", loader, effects);
        sameArguments(problems, "fWorkspace.valueAndGrad", f, wsArgs, after);
        double[] wsGrad = rec.any()
            ? rec.gradient(RecordArgs.ofWorkspace(workspace), wsArgs, problems,
                "fWorkspace (call " + (call + 1) + ")")
            : workspaceGradient(workspace, diffParams);
        for (int i = 0; i < wsGrad.length && i < vgGrad.length; i++) {
          if (Double.doubleToLongBits(wsGrad[i]) != Double.doubleToLongBits(vgGrad[i])) {
            problems.add("fWorkspace d/d" + diffName(f, i) + " (call " + (call + 1) + ") = "
                + wsGrad[i] + ", but fValueAndGrad gives " + vgGrad[i]);
          }
        }
      }

      // Forward mode: fJvp along a random direction (some coordinates exactly zero, a zero
      // array's tangent sometimes null), its value bit for bit the primal's.
      double[] direction = direction(seed, point, diffPoint.length);
      Object[] jvpArgs = arguments(f, flat, self.make());
      Object[] withTangents = withTangents(rec, jvpArgs, tangents(f, direction));
      resetEffects(loader);
      Object jvp = invoke(method(adjoint, "fJvp"),
          on(f, self.make(), withTangents));
      sameEffects(problems, "fJvp", loader, effects);
      sameArguments(problems, "fJvp", f, jvpArgs, after);
      same(problems, "fJvp value", (double) component(jvp, "value"), value);
      double jvpTangent = (double) component(jvp, "tangent");
      // fJvpWorkspace: the same bits as fJvp, on its first call and on a second one that reuses
      // what the first kept; each call with fresh arguments (a program may write into its
      // @NoDiff arrays).
      Object forward = invoke(method(adjoint, "fJvpWorkspace"));
      for (int call = 0; call < 2; call++) {
        Object[] fresh = withTangents(rec, arguments(f, flat, self.make()),
            tangents(f, direction));
        resetEffects(loader);
        double wsValue = (double) invokeOn(method(forward.getClass(), "jvp"), forward,
            on(f, self.make(), fresh));
        sameEffects(problems, "fJvpWorkspace().jvp", loader, effects);
        same(problems, "fJvpWorkspace().jvp (call " + call + ")", wsValue, value);
        double wsTangent = (double) invokeOn(method(forward.getClass(), "tangent"), forward);
        if (Double.doubleToLongBits(wsTangent) != Double.doubleToLongBits(jvpTangent)) {
          problems.add("fJvpWorkspace().tangent() = " + wsTangent + " (call " + call
              + "), but fJvp's tangent is " + jvpTangent);
        }
      }
      stats.jvpWorkspaces++;
      if (rec.flatMembers()) {
        flatMembers(problems, f, rec, adjoint, self, flat, cotangent, direction, value, effects,
            vgGrad, vjpGrad, jvpTangent, loader);
        stats.recordPoints++;
      }
      if (function != null) {
        // fFunction(..).jvp is fJvp over the flattened point: the same bits, the same calls.
        // (Its own constants: the first function's calls may have changed the data it bound.)
        DifferentiableFunction fn = (DifferentiableFunction) invoke(function,
            constants(f, flat, diffParams, self.make(), rec).toArray());
        resetEffects(loader);
        double fnJvp = rec.any()
            ? fn.jvp(rec.toFlatMemberOrder(diffPoint), rec.toFlatMemberOrder(direction))
            : fn.jvp(diffPoint.clone(), direction.clone());
        sameEffects(problems, "fFunction(..).jvp", loader, effects);
        if (Double.doubleToLongBits(fnJvp) != Double.doubleToLongBits(jvpTangent)) {
          problems.add("fFunction(..).jvp = " + fnJvp + ", but fJvp's tangent is " + jvpTangent);
        }
      }

      Reference.Result one = Reference.evaluate(f, fields, flat, 1.0);
      Reference.Result ct = Reference.evaluate(f, fields, flat, cotangent);
      boolean gradientCompared = finite(one.value()) && finite(one.gradient())
          && finite(ct.gradient()) && !one.extreme();

      // fJvp against the reference's forward mode: dual numbers along the same direction, each
      // rule by its own tangent (a @CustomJvp twin's @Jvp math). It needs no finite gradient: a
      // zero direction through an infinite partial (cbrt at 0) must give a tangent of 0, in every
      // form (a body too long for one method has a split tangent sweep, since pullbackJvpSingular
      // was fixed, not a JVP by pullbacks).
      Reference.Dual dual = Reference.evaluateDual(f, fields, flat, direction);
      same(problems, "dual-number reference value", dual.value(), value);
      if (!dual.trace().equals(effects)) {
        problems.add("the dual-number reference's calls with effects " + dual.trace()
            + ", but the primal method's " + effects);
      }
      boolean dualCompared = false;
      // Open bug zeroTangentOverflow (Generator.OPEN_BUGS): a non-finite fJvp tangent where the
      // reference met an overflow in values it knows have no tangent is not compared.
      boolean excused = dual.constantOverflow() && !finite(jvpTangent)
          && !OPEN.contains("zeroTangentOverflow");
      if (excused) {
        stats.zeroTangentOverflows++;
      }
      if (excused) {
        stats.dualSkipped++;
      } else if (finite(dual.value()) && finite(dual.tangent()) && !dual.extreme()) {
        dualCompared = true;
        close(problems, "fJvp tangent along " + java.util.Arrays.toString(direction)
            + " (dual numbers)", jvpTangent, dual.tangent(), dual.scale());
        stats.dualJvps++;
        if (dual.singular()) {
          stats.dualSingular++;
        }
      } else {
        stats.dualSkipped++;
      }

      same(problems, "reference value", one.value(), value);
      if (!one.trace().equals(effects)) {
        problems.add("the reference's calls with effects " + one.trace()
            + ", but the primal method's " + effects);
      }
      if (!gradientCompared) {
        stats.skippedPoints++;
        if (dualCompared) {
          stats.dualOnly++;
        }
      } else {
        stats.points++;
        for (int i = 0; i < one.gradient().length; i++) {
          String name = diffName(f, i);
          close(problems, "fValueAndGrad d/d" + name, vgGrad[i], one.gradient()[i], one.scale()[i]);
          if (fnGrad != null) {
            close(problems, "fFunction d/d" + name, fnGrad[i], one.gradient()[i], one.scale()[i]);
          }
          close(problems, "fVjp pullback d/d" + name, vjpGrad[i], ct.gradient()[i], ct.scale()[i]);
        }
        // fJvp against the reference gradient along the direction too. With the dual numbers
        // above this holds the reference's two modes to each other (the design's promise: <grad,
        // v> equals the JVP up to rounding). A rule whose pullback is not linear (clip's) goes
        // into a forward sweep linearised, its pullback of 1 scaled.
        List<Reference.Result> accepted = new ArrayList<>();
        accepted.add(unit.exact() ? one : Reference.evaluateLinearised(f, fields, flat));
        List<String> jvpProblems = new ArrayList<>();
        boolean compared = false;
        for (Reference.Result lin : accepted) {
          double expected = 0;
          double scale = 0;
          for (int i = 0; i < direction.length; i++) {
            if (direction[i] != 0) {
              expected += lin.gradient()[i] * direction[i];
              scale += (lin.scale()[i] + Math.abs(lin.gradient()[i])) * Math.abs(direction[i]);
            }
          }
          if (finite(lin.gradient())) {
            List<String> these = new ArrayList<>();
            close(these, "fJvp tangent along " + java.util.Arrays.toString(direction),
                jvpTangent, expected, scale);
            if (!compared || !jvpProblems.isEmpty()) {
              jvpProblems = these; // one reference that agrees is enough
            }
            compared = true;
          }
        }
        if (compared && !excused) {
          problems.addAll(jvpProblems);
          stats.jvps++;
        }
        if (unit.exact()) {
          stats.differenceChecks += differences(problems, f, fields, flat, one);
        }
      }
      if (!problems.isEmpty()) {
        stats.failures.add(describe(unit, seed, open,
            where + ":\n  " + String.join("\n  ", problems)));
        return;
      }
    }
    for (Callee h : unit.helpers()) {
      if (h.returnsArray()) {
        checkArrayHelper(unit, h, seed, open, primal, adjoint, stats);
      } else if (h.returnsMatrix()) {
        checkMatrixHelper(unit, h, seed, open, primal, adjoint, stats);
      }
    }
  }

  /**
   * A {@code double[][]} helper's own {@code hmVjp(..)} and {@code hmJvp(..)} (version 16) at
   * random points: {@code value()} is the primal method's matrix, bit for bit; {@code
   * pullback(c)} for a random cotangent matrix matches the reference's pullback of {@code c}
   * (flattened row by row), the same bits when called again after the arguments were changed;
   * {@code hmJvp}'s value is the primal's and its tangent matrix the reference's dual numbers.
   */
  private static void checkMatrixHelper(
      Unit unit, Callee h, long seed, Set<String> open, Class<?> primal, Class<?> adjoint,
      Stats stats)
      throws ReflectiveOperationException {
    Method primalH = method(primal, h.name());
    Method vjp = method(adjoint, h.name() + "Vjp");
    SplittableRandom rnd = new SplittableRandom(seed ^ (0x3A7L * h.name().hashCode()));
    int cells = Program.ROWS * Program.COLUMNS;
    for (int point = 0; point < POINTS; point++) {
      double[] flat = point(h, rnd);
      double[] c = new double[cells];
      double[][] cm = new double[Program.ROWS][Program.COLUMNS];
      for (int k = 0; k < cells; k++) {
        c[k] = rnd.nextInt(4) == 0 ? 1.0 : Math.round(rnd.nextDouble(-2, 2) * 1e6) / 1e6;
        cm[k / Program.COLUMNS][k % Program.COLUMNS] = c[k];
      }
      String where = h.name() + "Vjp at " + describe(h, flat) + ", cotangent "
          + java.util.Arrays.toString(c);
      List<String> problems = new ArrayList<>();
      ClassLoader loader = primal.getClassLoader();
      resetEffects(loader);
      double[] value = rowByRow((double[][]) invoke(primalH, arguments(h, flat, null)));
      String effects = effects(loader);
      Object[] args = arguments(h, flat, null);
      resetEffects(loader);
      Object pulled = invoke(vjp, args);
      sameEffects(problems, h.name() + "Vjp", loader, effects);
      scramble(args); // the Vjp is a snapshot
      sameArray(problems, h.name() + "Vjp value", rowByRow((double[][]) call(pulled, "value")),
          value);
      double[] grad = components(call(pulled, "pullback", (Object) cm));
      double[] again = components(call(pulled, "pullback", (Object) cm));
      sameEffects(problems, h.name() + "Vjp(..).pullback", loader, effects);
      if (!java.util.Arrays.equals(grad, again)) {
        problems.add("pullback called twice gave " + java.util.Arrays.toString(grad) + ", then "
            + java.util.Arrays.toString(again));
      }
      int width = h.params().stream().filter(p -> p.kind().differentiable())
          .mapToInt(p -> p.kind().width()).sum();
      double[] direction = direction(seed ^ h.name().hashCode(), point, width);
      Object[] jvpArgs = arguments(h, flat, null);
      int diffCount = (int) h.params().stream().filter(p -> p.kind().differentiable()).count();
      Object[] withTangents = java.util.Arrays.copyOf(jvpArgs, jvpArgs.length + diffCount);
      System.arraycopy(tangents(h, direction), 0, withTangents, jvpArgs.length, diffCount);
      resetEffects(loader);
      Object jvp = invoke(method(adjoint, h.name() + "Jvp"), withTangents);
      sameEffects(problems, h.name() + "Jvp", loader, effects);
      sameArray(problems, h.name() + "Jvp value",
          rowByRow((double[][]) component(jvp, "value")), value);
      double[] tangent = rowByRow((double[][]) component(jvp, "tangent"));
      Reference.ArrayDual dual = Reference.evaluateArrayDual(h, Map.of(), flat, direction);
      if (finite(dual.values()) && finite(dual.tangents()) && !dual.extreme()) {
        for (int k = 0; k < cells; k++) {
          close(problems, h.name() + "Jvp tangent[" + k / Program.COLUMNS + "]["
              + k % Program.COLUMNS + "] along " + java.util.Arrays.toString(direction)
              + " (dual numbers)", tangent[k], dual.tangents()[k], dual.scales()[k]);
        }
        stats.matrixHelperJvps++;
      }
      Reference.ArrayResult ref = Reference.evaluateArray(h, Map.of(), flat, c);
      sameArray(problems, "reference value", ref.values(), value);
      if (!ref.trace().equals(effects)) {
        problems.add("the reference's calls with effects " + ref.trace()
            + ", but the primal method's " + effects);
      }
      if (!(finite(ref.values()) && finite(ref.gradient()) && !ref.extreme())) {
        stats.skippedPoints++;
      } else {
        stats.matrixHelperPoints++;
        for (int i = 0; i < ref.gradient().length; i++) {
          close(problems, h.name() + "Vjp pullback d/d" + diffName(h, i), grad[i],
              ref.gradient()[i], ref.scale()[i]);
        }
      }
      if (!problems.isEmpty()) {
        stats.failures.add(describe(unit, seed, open,
            where + ":\n  " + String.join("\n  ", problems)));
        return;
      }
    }
  }

  /** A matrix's elements row by row. */
  private static double[] rowByRow(double[][] m) {
    return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  /**
   * A {@code double[]} helper's own {@code hVjp(..)} at random points: {@code value()} is the
   * primal method's array, bit for bit, in an array of its own; {@code pullback(c)} for a random
   * cotangent array matches the reference's pullback of {@code c}, gives the same bits when
   * called again, and leaves {@code value()}, {@code c} and the arguments alone; a cotangent of
   * another length is an IllegalArgumentException.
   */
  private static void checkArrayHelper(
      Unit unit, Callee h, long seed, Set<String> open, Class<?> primal, Class<?> adjoint,
      Stats stats)
      throws ReflectiveOperationException {
    Method primalH = method(primal, h.name());
    Method vjp = method(adjoint, h.name() + "Vjp");
    SplittableRandom rnd = new SplittableRandom(seed ^ (0xA77AL * h.name().hashCode()));
    SplittableRandom fieldRnd = new SplittableRandom(seed ^ 0xF1E1D5L ^ h.name().hashCode());
    for (int point = 0; point < POINTS; point++) {
      double[] flat = point(h, rnd);
      Map<String, Double> fields = fieldValues(unit, fieldRnd);
      Receivers self = new Receivers(primal, unit, fields);
      double[] c = new double[Program.LENGTH];
      for (int k = 0; k < c.length; k++) {
        c[k] = rnd.nextInt(4) == 0 ? 1.0 : Math.round(rnd.nextDouble(-2, 2) * 1e6) / 1e6;
      }
      String where = h.name() + "Vjp at " + describe(h, flat)
          + (fields.isEmpty() ? "" : " on " + fields) + ", cotangent "
          + java.util.Arrays.toString(c);
      List<String> problems = new ArrayList<>();

      Object[] primalArgs = arguments(h, flat, self.make());
      ClassLoader loader = primal.getClassLoader();
      resetEffects(loader);
      double[] value = ((double[]) (h.instance()
          ? invokeOn(primalH, self.make(), primalArgs)
          : invoke(primalH, primalArgs))).clone();
      String effects = effects(loader);
      if (!java.util.Arrays.equals(flat, flatten(h, primalArgs))) {
        problems.add("the primal " + h.name() + " changed its argument arrays");
      }
      Object[] args = arguments(h, flat, self.make());
      Object vjpReceiver = self.make();
      resetEffects(loader);
      Object pulled = invoke(vjp, on(h, vjpReceiver, args));
      sameEffects(problems, h.name() + "Vjp", loader, effects);
      if (!java.util.Arrays.equals(flat, flatten(h, args))) {
        problems.add(h.name() + "Vjp changed its argument arrays: " + describe(h, flatten(h, args)));
      }
      scramble(args); // the Vjp is a snapshot
      scrambleFields(vjpReceiver, unit);
      double[] vjpValue = (double[]) call(pulled, "value");
      sameArray(problems, h.name() + "Vjp value", vjpValue, value);
      for (Object a : args) {
        if (a == vjpValue) {
          problems.add(h.name() + "Vjp value is the caller's argument array, not a copy");
        }
      }
      double[] valueBefore = vjpValue.clone();
      double[] cBefore = c.clone();
      double[] grad = components(call(pulled, "pullback", (Object) c));
      double[] again = components(call(pulled, "pullback", (Object) c));
      sameArray(problems, h.name() + "Vjp value() after pullback",
          (double[]) call(pulled, "value"), valueBefore);
      sameArray(problems, h.name() + "Vjp value (the array value() returned) after pullback",
          vjpValue, valueBefore);
      if (!java.util.Arrays.equals(c, cBefore)) {
        problems.add("pullback changed its cotangent: " + java.util.Arrays.toString(c));
      }
      if (!java.util.Arrays.equals(grad, again)) {
        problems.add("pullback called twice gave " + java.util.Arrays.toString(grad) + ", then "
            + java.util.Arrays.toString(again));
      }
      sameEffects(problems, h.name() + "Vjp(..).pullback", loader, effects);
      for (int length : new int[] {Program.LENGTH - 1, Program.LENGTH + 1}) {
        try {
          call(pulled, "pullback", (Object) new double[length]);
          problems.add("pullback took a cotangent of length " + length);
        } catch (IllegalStateException e) {
          if (!(e.getCause() instanceof IllegalArgumentException)) {
            problems.add("pullback of a cotangent of length " + length + " threw " + e.getCause());
          }
        }
      }

      // Forward mode: hJvp along a random direction, and hJacobian; each row of the reference
      // Jacobian is its pullback of a unit cotangent.
      int width = h.params().stream().filter(p -> p.kind().differentiable())
          .mapToInt(p -> p.kind().width()).sum();
      double[] direction = direction(seed ^ h.name().hashCode(), point, width);
      Object[] jvpArgs = arguments(h, flat, self.make());
      int diffCount = (int) h.params().stream().filter(p -> p.kind().differentiable()).count();
      Object[] withTangents = java.util.Arrays.copyOf(jvpArgs, jvpArgs.length + diffCount);
      System.arraycopy(tangents(h, direction), 0, withTangents, jvpArgs.length, diffCount);
      resetEffects(loader);
      Object jvp = invoke(method(adjoint, h.name() + "Jvp"),
          on(h, self.make(), withTangents));
      sameEffects(problems, h.name() + "Jvp", loader, effects);
      sameArray(problems, h.name() + "Jvp value", (double[]) component(jvp, "value"), value);
      double[] jvpTangent = (double[]) component(jvp, "tangent");
      Reference.ArrayDual dual = Reference.evaluateArrayDual(h, fields, flat, direction);
      // hJvpWorkspace: the same bits as hJvp, twice (its arrays kept between the calls).
      Object workspace = invoke(method(adjoint, h.name() + "JvpWorkspace"));
      for (int call = 0; call < 2; call++) {
        Object[] fresh = java.util.Arrays.copyOf(arguments(h, flat, self.make()),
            jvpArgs.length + diffCount);
        System.arraycopy(tangents(h, direction), 0, fresh, jvpArgs.length, diffCount);
        resetEffects(loader);
        double[] wsValue = (double[]) invokeOn(method(workspace.getClass(), "jvp"), workspace,
            on(h, self.make(), fresh));
        sameEffects(problems, h.name() + "JvpWorkspace().jvp", loader, effects);
        sameArray(problems, h.name() + "JvpWorkspace().jvp (call " + call + ")", wsValue, value);
        sameArray(problems, h.name() + "JvpWorkspace().tangent() (call " + call + ")",
            (double[]) invokeOn(method(workspace.getClass(), "tangent"), workspace), jvpTangent);
      }
      resetEffects(loader);
      double[][] jacobian =
          (double[][]) invoke(method(adjoint, h.name() + "Jacobian"),
              on(h, self.make(), arguments(h, flat, self.make())));
      sameEffects(problems, h.name() + "Jacobian", loader, effects);
      boolean rowsFinite = true;
      // Open bug zeroTangentOverflow, as for fJvp: non-finite forward results where the reference
      // met an overflow in values without tangent are not compared.
      boolean excused = dual.constantOverflow() && !OPEN.contains("zeroTangentOverflow")
          && (!finite(jvpTangent)
              || java.util.Arrays.stream(jacobian).anyMatch(r -> !finite(r)));
      if (excused) {
        stats.zeroTangentOverflows++;
      }
      for (int k = 0; k < Program.LENGTH && unit.exact() && !excused; k++) {
        double[] unitCotangent = new double[Program.LENGTH];
        unitCotangent[k] = 1.0;
        Reference.ArrayResult row = Reference.evaluateArray(h, fields, flat, unitCotangent);
        if (!finite(row.gradient()) || row.extreme()) {
          rowsFinite = false;
          continue;
        }
        double expected = 0;
        double scale = 0;
        for (int i = 0; i < width; i++) {
          close(problems, h.name() + "Jacobian[" + k + "][" + i + "]", jacobian[k][i],
              row.gradient()[i], row.scale()[i]);
          if (direction[i] != 0) {
            expected += row.gradient()[i] * direction[i];
            scale += (row.scale()[i] + Math.abs(row.gradient()[i])) * Math.abs(direction[i]);
          }
        }
        close(problems, h.name() + "Jvp tangent[" + k + "] along "
            + java.util.Arrays.toString(direction), jvpTangent[k], expected, scale);
      }
      if (unit.exact() && rowsFinite) {
        stats.arrayHelperJvps++;
      }
      // ... and against the reference's dual numbers along the same direction: hJvp's tangent
      // (a tangent sweep in every form), and hJacobian times the direction.
      Reference.ArrayResult ref = Reference.evaluateArray(h, fields, flat, c);
      boolean gradientCompared = finite(ref.values()) && finite(ref.gradient()) && !ref.extreme();
      sameArray(problems, "dual-number reference value", dual.values(), value);
      if (!excused && finite(dual.values()) && finite(dual.tangents()) && !dual.extreme()) {
        for (int k = 0; k < Program.LENGTH; k++) {
          close(problems, h.name() + "Jvp tangent[" + k + "] along "
              + java.util.Arrays.toString(direction) + " (dual numbers)", jvpTangent[k],
              dual.tangents()[k], dual.scales()[k]);
          // hJacobian takes its rows by pullbacks where the helper is not pure (it calls a rule)
          // and has fewer outputs than inputs, with reverse mode's documented conventions
          // (diagnostics.md, "Derivative conventions": an infinite cotangent times a zero
          // partial is NaN, where forward mode's zero tangent gives 0; and a rule whose pullback
          // is not linear, clip's, sees a cotangent): so only where the reference gradient is
          // finite, and not through clip.
          if (!callsClip(unit) && gradientCompared) {
            double product = 0;
            double scale = dual.scales()[k];
            for (int i = 0; i < width; i++) {
              if (direction[i] != 0) {
                product += jacobian[k][i] * direction[i];
                scale += Math.abs(jacobian[k][i] * direction[i]);
              }
            }
            close(problems, h.name() + "Jacobian[" + k + "] times "
                + java.util.Arrays.toString(direction) + " (dual numbers)", product,
                dual.tangents()[k], scale);
          }
        }
        stats.arrayHelperDualJvps++;
      }

      sameArray(problems, "reference value", ref.values(), value);
      if (!ref.trace().equals(effects)) {
        problems.add("the reference's calls with effects " + ref.trace()
            + ", but the primal method's " + effects);
      }
      if (!gradientCompared) {
        stats.skippedPoints++;
      } else {
        stats.arrayHelperPoints++;
        for (int i = 0; i < ref.gradient().length; i++) {
          close(problems, h.name() + "Vjp pullback d/d" + diffName(h, i), grad[i],
              ref.gradient()[i], ref.scale()[i]);
        }
      }
      if (!problems.isEmpty()) {
        stats.failures.add(describe(unit, seed, open,
            where + ":\n  " + String.join("\n  ", problems)));
        return;
      }
    }
  }

  // ---------------------------------------------------------------- effects and snapshots

  /** Whether some method of {@code unit} calls the clip rule, whose pullback is not linear. */
  private static boolean callsClip(Unit unit) {
    return unit.render().contains(Rules.CLASS + ".clip(");
  }

  /** Resets the call counter and trace of fuzz.Rules' unannotated methods with effects. */
  private static void resetEffects(ClassLoader loader) throws ReflectiveOperationException {
    Class<?> rules = loader.loadClass(Rules.PACKAGE + "." + Rules.CLASS);
    java.lang.reflect.Field calls = rules.getDeclaredField("calls");
    calls.setAccessible(true);
    calls.setInt(null, 0);
    java.lang.reflect.Field trace = rules.getDeclaredField("trace");
    trace.setAccessible(true);
    ((StringBuilder) trace.get(null)).setLength(0);
  }

  /** What fuzz.Rules' methods with effects logged since {@link #resetEffects}. */
  private static String effects(ClassLoader loader) throws ReflectiveOperationException {
    Class<?> rules = loader.loadClass(Rules.PACKAGE + "." + Rules.CLASS);
    java.lang.reflect.Field trace = rules.getDeclaredField("trace");
    trace.setAccessible(true);
    return trace.get(null).toString();
  }

  private static void sameEffects(List<String> problems, String what, ClassLoader loader,
      String expected) throws ReflectiveOperationException {
    String actual = effects(loader);
    if (!actual.equals(expected)) {
      problems.add(what + " made the calls with effects " + actual + ", but the primal method "
          + expected);
    }
  }

  /** Whether a call left {@code args} as the primal method left its own ({@code after}). */
  private static void sameArguments(
      List<String> problems, String what, Callee f, Object[] args, double[] after) {
    double[] actual = flatten(f, args);
    if (!java.util.Arrays.equals(actual, after)) {
      problems.add(what + " left its arguments at " + describe(f, actual)
          + ", but the primal method at " + describe(f, after));
    }
  }

  /**
   * The form of {@code fFunction} that takes an example of each differentiable array and matrix,
   * then the nondifferentiable parameters (the receiver first): not the one array's {@code
   * fFunction(int dimension, ...)}, which has the same number of parameters.
   */
  static Method functionByExample(Class<?> adjoint, Callee f, List<Param> diffParams) {
    List<Class<?>> leading = new ArrayList<>();
    for (Object example : examples(diffParams)) {
      leading.add(example.getClass());
    }
    int count = leading.size() + (f.instance() ? 1 : 0) + f.params().size() - diffParams.size();
    for (Method m : adjoint.getDeclaredMethods()) {
      if (m.getName().equals("fFunction") && m.getParameterCount() == count
          && java.util.Arrays.asList(m.getParameterTypes()).subList(0, leading.size())
              .equals(leading)) {
        m.setAccessible(true);
        return m;
      }
    }
    return null;
  }

  /**
   * The function form of a program with records (version 14): {@code fFlatFunction} over the
   * leaves where {@code f} takes a differentiable record, else {@code fFunction} (its records all
   * {@code @NoDiff} or without floating-point data); the form that takes an example of each
   * differentiable array and matrix among the members' parameters, then the others.
   */
  private static Method recordFunction(Class<?> adjoint, Callee f, RecordArgs rec)
      throws ReflectiveOperationException {
    Object[] members = rec.flatMember(arguments(f, new double[f.params().stream()
        .mapToInt(p -> p.kind().width()).sum()], null));
    boolean[] differentiable = rec.flatMemberDifferentiable();
    List<Class<?>> leading = new ArrayList<>();
    int others = 0;
    for (int i = 0; i < members.length; i++) {
      if (differentiable[i] && (members[i] instanceof double[] || members[i] instanceof double[][])) {
        leading.add(members[i].getClass());
      } else if (!differentiable[i]) {
        others++;
      }
    }
    int count = leading.size() + (f.instance() ? 1 : 0) + others;
    String name = rec.flatMembers() ? "fFlatFunction" : "fFunction";
    for (Method m : adjoint.getDeclaredMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == count
          && java.util.Arrays.asList(m.getParameterTypes()).subList(0, leading.size())
              .equals(leading)) {
        m.setAccessible(true);
        return m;
      }
    }
    return null;
  }

  /** An example of each differentiable array and matrix, of the program's shapes. */
  private static List<Object> examples(List<Param> diffParams) {
    List<Object> out = new ArrayList<>();
    for (Param p : diffParams) {
      if (p.kind() == Program.Kind.ARRAY) {
        out.add(new double[Program.LENGTH]);
      } else if (p.kind() == Program.Kind.MATRIX) {
        out.add(new double[Program.ROWS][Program.COLUMNS]);
      }
    }
    return out;
  }

  /**
   * The arguments of {@code fFunction}: an example of each differentiable array and matrix, then
   * the nondifferentiable arguments at {@code flat}, fresh copies (the primal may change its own).
   */
  static List<Object> constants(Callee f, double[] flat, List<Param> diffParams,
      Object receiver, RecordArgs rec) throws ReflectiveOperationException {
    Object[] args = arguments(f, flat, receiver);
    List<Object> constants = new ArrayList<>();
    if (rec.any()) {
      // Version 14: the function over the members' parameters (fFlatFunction over the leaves, or
      // fFunction where every record is @NoDiff or has no floating-point data): an example of
      // each differentiable array and matrix among them, the receiver, the others.
      Object[] members = rec.flatMember(args);
      boolean[] differentiable = rec.flatMemberDifferentiable();
      for (int i = 0; i < members.length; i++) {
        if (differentiable[i] && members[i] instanceof double[] v) {
          constants.add(v.clone());
        } else if (differentiable[i] && members[i] instanceof double[][] m) {
          constants.add(m.clone());
        }
      }
      if (f.instance()) {
        constants.add(receiver);
      }
      for (int i = 0; i < members.length; i++) {
        if (!differentiable[i]) {
          constants.add(members[i]);
        }
      }
      return constants;
    }
    constants.addAll(examples(diffParams));
    if (f.instance()) {
      constants.add(receiver); // the receiver: the first nondifferentiable parameter
    }
    for (int i = 0; i < args.length; i++) {
      if (!f.params().get(i).kind().differentiable()) {
        constants.add(args[i]);
      }
    }
    return constants;
  }

  /**
   * A direction over the differentiable coordinates: about one coordinate in four exactly zero
   * (a zero tangent must contribute exactly 0). Its own random stream, so that the points and
   * programs of recorded seeds stay what they were.
   */
  static double[] direction(long seed, int point, int n) {
    SplittableRandom rnd = new SplittableRandom(seed * 31 + point + 0x7A6E7L);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = rnd.nextInt(4) == 0 ? 0 : Math.round(rnd.nextDouble(-2, 2) * 1e6) / 1e6;
    }
    return out;
  }

  /** The tangent arguments of fJvp for {@code direction}: an all-zero array's as null. */
  static Object[] tangents(Callee f, double[] direction) {
    List<Object> out = new ArrayList<>();
    int at = 0;
    for (Param p : f.params()) {
      if (!p.kind().differentiable()) {
        continue;
      }
      int width = p.kind().width();
      double[] part = java.util.Arrays.copyOfRange(direction, at, at + width);
      at += width;
      boolean zero = java.util.Arrays.stream(part).allMatch(d -> d == 0);
      out.add(switch (p.kind()) {
        case ARRAY -> zero ? null : part;
        case MATRIX -> {
          if (zero) {
            yield null;
          }
          double[][] m = new double[Program.ROWS][];
          for (int r = 0; r < Program.ROWS; r++) {
            m[r] = java.util.Arrays.copyOfRange(part, r * Program.COLUMNS,
                (r + 1) * Program.COLUMNS);
          }
          yield m;
        }
        default -> part[0];
      });
    }
    return out.toArray();
  }

  // ---------------------------------------------------------------- receivers (version 12)

  /**
   * The receiver's field values at one point (int fields as doubles), and under {@code "f()"}
   * what its accessor returns (a record's may differ); none without fields.
   */
  static Map<String, Double> fieldValues(Unit unit, SplittableRandom rnd) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    for (Program.Field v : unit.fields()) {
      double value = coordinate(v.isInt() ? Program.Kind.INT : Program.Kind.DOUBLE, rnd);
      out.put(v.name(), value);
      out.put(v.name() + "()", value + v.accessorOffset());
    }
    return out;
  }

  /**
   * A fresh receiver of {@code primal} with the field values {@code values} (through its
   * constructor, a record's canonical one), or null for a class with no fields.
   */
  private static Object receiver(Class<?> primal, Unit unit, Map<String, Double> values)
      throws ReflectiveOperationException {
    if (unit.fields().isEmpty()) {
      return null;
    }
    for (java.lang.reflect.Constructor<?> c : primal.getDeclaredConstructors()) {
      if (c.getParameterCount() == unit.fields().size()) {
        Object[] args = new Object[unit.fields().size()];
        for (int i = 0; i < args.length; i++) {
          Program.Field v = unit.fields().get(i);
          double d = values.get(v.name());
          args[i] = v.isInt() ? (Object) (int) d : (Object) d;
        }
        c.setAccessible(true);
        return c.newInstance(args);
      }
    }
    throw new AssertionError(primal + " has no constructor for its fields " + unit.fields());
  }

  /** Makes fresh receivers of {@code primal} with the field values {@code fields}. */
  record Receivers(Class<?> primal, Unit unit, Map<String, Double> fields) {
    Object make() throws ReflectiveOperationException {
      return receiver(primal, unit, fields);
    }
  }

  /** {@code args} with the receiver first when {@code m} is an instance method. */
  static Object[] on(Callee m, Object receiver, Object[] args) {
    if (!m.instance()) {
      return args;
    }
    Object[] out = new Object[args.length + 1];
    out[0] = receiver;
    System.arraycopy(args, 0, out, 1, args.length);
    return out;
  }

  /** Changes the receiver's fields that are not final, as a caller may after mVjp. */
  static void scrambleFields(Object receiver, Unit unit)
      throws ReflectiveOperationException {
    for (Program.Field v : unit.fields()) {
      if (v.mutable()) {
        java.lang.reflect.Field field = receiver.getClass().getDeclaredField(v.name());
        field.setAccessible(true);
        if (v.object()) {
          // a field holding an object (version 16): the object's double field changes
          Object held = field.get(receiver);
          java.lang.reflect.Field k = held.getClass().getDeclaredField(Program.OBJECT_FIELD);
          k.setAccessible(true);
          k.setDouble(held, 7.25 - 3 * k.getDouble(held));
        } else if (v.isInt()) {
          field.setInt(receiver, field.getInt(receiver) + 1);
        } else {
          field.setDouble(receiver, 7.25 - 3 * field.getDouble(receiver));
        }
      }
    }
  }

  /** Changes every element of the argument arrays, as a caller may after mVjp. */
  static void scramble(Object[] args) {
    for (Object a : args) {
      // discrete arrays too (a Vjp keeps copies of the arrays its pullback reads), their values
      // kept valid: an index moves on by one, a mask flips
      if (a instanceof int[] ints) {
        for (int k = 0; k < ints.length; k++) {
          ints[k] = (ints[k] + 1) % Program.LENGTH;
        }
      } else if (a instanceof long[] longs) {
        for (int k = 0; k < longs.length; k++) {
          longs[k] = (longs[k] + 1) % Program.LENGTH;
        }
      } else if (a instanceof boolean[] mask) {
        for (int k = 0; k < mask.length; k++) {
          mask[k] = !mask[k];
        }
      } else if (a instanceof double[][] matrix) {
        for (double[] row : matrix) {
          scramble(row);
        }
        if (matrix.length > 0) {
          matrix[0] = new double[matrix[0].length]; // and a row replaced
        }
      } else if (a instanceof double[] array) {
        scramble(array);
      }
    }
  }

  static void scramble(double[] array) {
    for (int k = 0; k < array.length; k++) {
      array[k] = 7.25 - 3 * array[k];
    }
  }

  /** A random point for {@code m}'s parameters, flattened. */
  private static double[] point(Callee m, SplittableRandom rnd) {
    int width = m.params().stream().mapToInt(p -> p.kind().width()).sum();
    double[] flat = new double[width];
    int at = 0;
    for (Param p : m.params()) {
      for (int k = 0; k < p.kind().width(); k++) {
        flat[at++] = coordinate(p.kind(), rnd);
      }
    }
    return flat;
  }

  /**
   * One coordinate of a random point: an int in [0, 5), an index array's element in [0, LENGTH)
   * (an int[] or long[]), a mask's 0 or 1, or a double in [-2, 2] with six decimals.
   */
  static double coordinate(Program.Kind kind, SplittableRandom rnd) {
    return switch (kind) {
      case INT -> rnd.nextInt(5);
      case INDEX, LONGS -> rnd.nextInt(Program.LENGTH);
      case MASK -> rnd.nextInt(2);
      default -> Math.round(rnd.nextDouble(-2, 2) * 1e6) / 1e6;
    };
  }

  private static void sameArray(
      List<String> problems, String what, double[] actual, double[] expected) {
    boolean same = actual.length == expected.length;
    for (int i = 0; same && i < actual.length; i++) {
      same = Double.doubleToLongBits(actual[i]) == Double.doubleToLongBits(expected[i]);
    }
    if (!same) {
      problems.add(what + " = " + java.util.Arrays.toString(actual) + ", but the primal method"
          + " returns " + java.util.Arrays.toString(expected));
    }
  }

  // ---------------------------------------------------------------- records (version 14)

  /** The arguments of a member of f: {@code args}, or where f takes records, the records. */
  private static Object[] surface(RecordArgs rec, Object[] args)
      throws ReflectiveOperationException {
    return rec.any() ? rec.surface(args) : args;
  }

  /** A gradient record of f's, flattened in f's flat order (a record's cotangents mapped back). */
  private static double[] gradient(RecordArgs rec, Object grad, Object[] args,
      List<String> problems, String what) throws ReflectiveOperationException {
    return rec.any() ? rec.gradient(RecordArgs.ofRecord(grad), args, problems, what)
        : components(grad);
  }

  /** fJvp's arguments: the arguments, then the tangents (records of tangents, for records). */
  private static Object[] withTangents(RecordArgs rec, Object[] args, Object[] tangents)
      throws ReflectiveOperationException {
    Object[] first = surface(rec, args);
    Object[] second = rec.any() ? rec.surfaceTangents(tangents, args) : tangents;
    Object[] out = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, out, first.length, second.length);
    return out;
  }

  /**
   * Where f takes records (version 14): {@code fGrad} must give {@code fValueAndGrad}'s gradient,
   * and its members over the leaves, {@code fFlatValueAndGrad},
   * {@code fFlatVjp(..).pullback} and {@code fFlatJvp}, must give the bits of the members over
   * records (which delegate to them), make the primal's calls, and leave the arguments as the
   * primal leaves them.
   */
  private static void flatMembers(List<String> problems, Callee f, RecordArgs rec,
      Class<?> adjoint, Receivers self, double[] flat, double cotangent, double[] direction,
      double value, String effects, double[] vgGrad, double[] vjpGrad, double jvpTangent,
      ClassLoader loader) throws ReflectiveOperationException {
    {
      // fGrad(records..): the gradient record of fValueAndGrad, bit for bit
      Object[] args = arguments(f, flat, self.make());
      resetEffects(loader);
      Object grad = invoke(method(adjoint, "fGrad"), on(f, self.make(), rec.surface(args)));
      sameEffects(problems, "fGrad", loader, effects);
      sameBits(problems, f, "fGrad", rec.gradient(RecordArgs.ofRecord(grad), args, problems,
          "fGrad"), "fValueAndGrad", vgGrad);
    }
    {
      Object[] args = arguments(f, flat, self.make());
      resetEffects(loader);
      Object vg = invoke(method(adjoint, "fFlatValueAndGrad"),
          on(f, self.make(), rec.flatMember(args)));
      sameEffects(problems, "fFlatValueAndGrad", loader, effects);
      same(problems, "fFlatValueAndGrad value", (double) component(vg, "value"), value);
      sameBits(problems, f, "fFlatValueAndGrad", rec.flatMemberGradient(component(vg, "grad")),
          "fValueAndGrad", vgGrad);
    }
    {
      Object[] args = arguments(f, flat, self.make());
      resetEffects(loader);
      Object pulled = invoke(method(adjoint, "fFlatVjp"),
          on(f, self.make(), rec.flatMember(args)));
      sameEffects(problems, "fFlatVjp", loader, effects);
      scramble(rec.toScramble(args, OPEN.contains(RecordArgs.VJP_SNAPSHOT)));
      same(problems, "fFlatVjp value", (double) call(pulled, "value"), value);
      sameBits(problems, f, "fFlatVjp(..).pullback",
          rec.flatMemberGradient(call(pulled, "pullback", cotangent)), "fVjp(..).pullback",
          vjpGrad);
    }
    {
      Object[] args = arguments(f, flat, self.make());
      Object[] members = rec.flatMember(args);
      Object[] tangents = rec.flatMemberTangents(tangents(f, direction));
      Object[] all = java.util.Arrays.copyOf(members, members.length + tangents.length);
      System.arraycopy(tangents, 0, all, members.length, tangents.length);
      resetEffects(loader);
      Object jvp = invoke(method(adjoint, "fFlatJvp"), on(f, self.make(), all));
      sameEffects(problems, "fFlatJvp", loader, effects);
      same(problems, "fFlatJvp value", (double) component(jvp, "value"), value);
      double tangent = (double) component(jvp, "tangent");
      if (Double.doubleToLongBits(tangent) != Double.doubleToLongBits(jvpTangent)) {
        problems.add("fFlatJvp's tangent is " + tangent + ", but fJvp's " + jvpTangent);
      }
    }
  }

  private static void sameBits(List<String> problems, Callee f, String what, double[] actual,
      String other, double[] expected) {
    for (int i = 0; i < Math.max(actual.length, expected.length); i++) {
      if (i >= actual.length || i >= expected.length
          || Double.doubleToLongBits(actual[i]) != Double.doubleToLongBits(expected[i])) {
        problems.add(what + " gives " + java.util.Arrays.toString(actual) + ", but " + other
            + " " + java.util.Arrays.toString(expected) + " (d/d" + diffName(f, Math.min(i,
                Math.max(0, expected.length - 1))) + ")");
        return;
      }
    }
  }

  /** A workspace's gradient accessors, one per differentiable parameter, flattened. */
  private static double[] workspaceGradient(Object workspace, List<Param> diffParams)
      throws ReflectiveOperationException {
    List<Double> out = new ArrayList<>();
    for (Param p : diffParams) {
      appendElements(call(workspace, p.name()), out);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The call's arguments from a flattened point: fresh arrays every time, and {@code receiver}
   * for a receiver parameter (version 12).
   */
  static Object[] arguments(Callee f, double[] flat, Object receiver) {
    Object[] out = new Object[f.params().size()];
    int at = 0;
    for (int i = 0; i < out.length; i++) {
      Program.Kind kind = f.params().get(i).kind();
      out[i] = switch (kind) {
        case INT -> (int) flat[at];
        case RECEIVER -> receiver;
        case ARRAY, DATA -> java.util.Arrays.copyOfRange(flat, at, at + Program.LENGTH);
        case INDEX -> java.util.Arrays.stream(flat, at, at + Program.LENGTH)
            .mapToInt(d -> (int) d).toArray();
        case LONGS -> java.util.Arrays.stream(flat, at, at + Program.LENGTH)
            .mapToLong(d -> (long) d).toArray();
        case MASK -> {
          boolean[] mask = new boolean[Program.LENGTH];
          for (int k = 0; k < mask.length; k++) {
            mask[k] = flat[at + k] != 0;
          }
          yield mask;
        }
        case MATRIX -> {
          double[][] m = new double[Program.ROWS][];
          for (int r = 0; r < Program.ROWS; r++) {
            m[r] = java.util.Arrays.copyOfRange(flat, at + r * Program.COLUMNS,
                at + (r + 1) * Program.COLUMNS);
          }
          yield m;
        }
        default -> flat[at];
      };
      at += kind.width();
    }
    return out;
  }

  /** The flattened point of the arguments (after a call, to see that it left them alone). */
  static double[] flatten(Callee f, Object[] args) {
    double[] out = new double[f.params().stream().mapToInt(p -> p.kind().width()).sum()];
    int at = 0;
    for (Object a : args) {
      if (a instanceof double[][] matrix) {
        for (double[] row : matrix) {
          System.arraycopy(row, 0, out, at, row.length);
          at += row.length;
        }
      } else if (a instanceof double[] array) {
        System.arraycopy(array, 0, out, at, array.length);
        at += array.length;
      } else if (a instanceof int[] ints) {
        for (int v : ints) {
          out[at++] = v;
        }
      } else if (a instanceof long[] longs) {
        for (long v : longs) {
          out[at++] = v;
        }
      } else if (a instanceof boolean[] mask) {
        for (boolean v : mask) {
          out[at++] = v ? 1 : 0;
        }
      } else if (a instanceof Number number) {
        out[at++] = number.doubleValue();
      } // a receiver parameter takes no slot
    }
    return out;
  }

  /** The differentiable coordinates of a flattened point, in order. */
  static double[] diffCoordinates(Callee f, double[] flat) {
    List<Double> out = new ArrayList<>();
    int at = 0;
    for (Param p : f.params()) {
      for (int k = 0; k < p.kind().width(); k++) {
        if (p.kind().differentiable()) {
          out.add(flat[at + k]);
        }
      }
      at += p.kind().width();
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Central differences of the reference's value, as a second opinion. Only trusted where two
   * successive step sizes on the point's own path agree with each other (to 1e-3): a function that
   * oscillates or curves too fast at that scale gives differences that mean nothing.
   */
  private static int differences(List<String> problems, Callee f, Map<String, Double> fields,
      double[] args, Reference.Result at) {
    int checks = 0;
    int diffIndex = 0;
    List<Integer> coordinates = new ArrayList<>();
    int offset = 0;
    for (Param p : f.params()) {
      for (int k = 0; k < p.kind().width(); k++) {
        if (p.kind().differentiable()) {
          coordinates.add(offset + k);
        }
      }
      offset += p.kind().width();
    }
    for (int i : coordinates) {
      // How fast the phase of sin, cos and tan moves along this coordinate (dual numbers): a step
      // that moves it by more than 0.01 averages an oscillation out, however well two steps agree
      // (a huge argument of sin beside a large term of its own, found by soak run seed 12102).
      double[] unit = new double[coordinates.size()];
      unit[diffIndex] = 1.0;
      Reference.Dual dual = Reference.evaluateDual(f, fields, args, unit);
      double phaseRate = dual.phaseRate();
      // And a step that the rounding of a large argument of sin, cos or tan absorbs (the argument
      // moves by whole ulps, not by its tangent times h) gives differences that are noise.
      double phaseRounding = dual.phaseRounding();
      double expected = at.gradient()[diffIndex];
      double scale = at.scale()[diffIndex] + Math.abs(expected);
      boolean converged = false;
      boolean agrees = false;
      String seen = "";
      double previous = Double.NaN;
      for (double step : new double[] {1e-4, 1e-5, 1e-6, 1e-7}) {
        double h = step * Math.max(1, Math.abs(args[i]));
        if (!(phaseRate * h <= 1e-2) || !(h >= 1e6 * phaseRounding)) {
          previous = Double.NaN;
          continue;
        }
        double[] up = args.clone();
        double[] down = args.clone();
        up[i] += h;
        down[i] -= h;
        Reference.Result plus = Reference.evaluate(f, fields, up, 1.0);
        Reference.Result minus = Reference.evaluate(f, fields, down, 1.0);
        if (!plus.path().equals(at.path()) || !minus.path().equals(at.path())
            || !finite(plus.value()) || !finite(minus.value())) {
          previous = Double.NaN;
          continue;
        }
        double fd = (plus.value() - minus.value()) / (up[i] - down[i]);
        // A step whose change in the value is a few ulps of the value gives a difference quantised
        // to ulps / h, and two such steps can agree by chance (a 3.2e10 value beside a term of
        // slope 0.14: CI run seed 5478052628243526443, program 1248974336708053344). Only a step
        // whose rounding is far below the slope it measures counts.
        double rounding = 4 * Math.ulp(Math.max(Math.abs(plus.value()), Math.abs(minus.value())))
            / (up[i] - down[i]);
        if (!(rounding <= 1e-5 * (scale + Math.abs(fd)))) {
          previous = Double.NaN;
          continue;
        }
        seen += String.format(Locale.ROOT, " %s (h = %.3g)", fd, h);
        // Two zero differences mean the step was absorbed by a huge intermediate, not flatness.
        if (Math.abs(fd - previous) <= 1e-3 * Math.max(Math.abs(fd), Math.abs(previous)) + 1e-6
            && (fd != 0 || previous != 0)) {
          converged = true;
        }
        agrees |= Math.abs(fd - expected) <= 1e-3 * scale + 1e-6;
        previous = fd;
      }
      if (converged) {
        checks++;
        if (!agrees) {
          problems.add("central differences d/d" + diffName(f, diffIndex) + " =" + seen
              + ", reference " + expected + " (scale " + at.scale()[diffIndex] + ")");
        }
      }
      diffIndex++;
    }
    return checks;
  }

  private static void same(List<String> problems, String what, double actual, double expected) {
    if (Double.doubleToLongBits(actual) != Double.doubleToLongBits(expected)) {
      problems.add(what + " = " + actual + ", but the primal method returns " + expected);
    }
  }

  private static void close(
      List<String> problems, String what, double actual, double expected, double scale) {
    // Past 1e-300 a difference is underflow, not a derivative.
    double tolerance = TOLERANCE * (scale + Math.abs(expected)) + 1e-300;
    if (!(Math.abs(actual - expected) <= tolerance)) {
      problems.add(String.format(Locale.ROOT,
          "%s = %s, reference %s (difference %.3g, allowed %.3g)",
          what, actual, expected, Math.abs(actual - expected), tolerance));
    }
  }

  // ---------------------------------------------------------------- reflection and text

  static Method method(Class<?> owner, String name) {
    for (Method m : owner.getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        m.setAccessible(true);
        return m;
      }
    }
    throw new AssertionError(owner.getName() + " has no method " + name);
  }

  static Object invokeOn(Method m, Object target, Object... args)
      throws ReflectiveOperationException {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(m.getName() + " threw", e.getCause());
    }
  }

  static Object invoke(Method m, Object... args) throws ReflectiveOperationException {
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(m.getName() + " threw", e.getCause());
    }
  }

  static Object call(Object target, String name, Object... args)
      throws ReflectiveOperationException {
    Method m = method(target.getClass(), name);
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(name + " threw", e.getCause());
    }
  }

  static Object component(Object record, String name) throws ReflectiveOperationException {
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      if (c.getName().equals(name)) {
        Method accessor = c.getAccessor();
        accessor.setAccessible(true);
        return accessor.invoke(record);
      }
    }
    throw new AssertionError(record.getClass() + " has no component " + name);
  }

  /** A gradient record's components, flattened: an array component gives its elements. */
  static double[] components(Object record) throws ReflectiveOperationException {
    List<Double> out = new ArrayList<>();
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Method accessor = c.getAccessor();
      accessor.setAccessible(true);
      appendElements(accessor.invoke(record), out);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Appends a cotangent to {@code out}: a double, or an array's or matrix's elements in order. */
  private static void appendElements(Object v, List<Double> out) {
    if (v instanceof double[][] matrix) {
      for (double[] row : matrix) {
        appendElements(row, out);
      }
    } else if (v instanceof double[] array) {
      for (double d : array) {
        out.add(d);
      }
    } else {
      out.add((double) v);
    }
  }

  static boolean finite(double v) {
    return Double.isFinite(v);
  }

  static boolean finite(double[] vs) {
    for (double v : vs) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** The name of differentiable coordinate {@code diffIndex}: x0, or xa[2]. */
  static String diffName(Callee f, int diffIndex) {
    int left = diffIndex;
    for (Param p : f.params()) {
      if (!p.kind().differentiable()) {
        continue;
      }
      if (left < p.kind().width()) {
        return p.kind() == Program.Kind.ARRAY ? p.name() + "[" + left + "]"
            : p.kind() == Program.Kind.MATRIX
                ? p.name() + "[" + left / Program.COLUMNS + "][" + left % Program.COLUMNS + "]"
                : p.name();
      }
      left -= p.kind().width();
    }
    throw new AssertionError(diffIndex);
  }

  static String describe(Callee f, double[] flat) {
    List<String> parts = new ArrayList<>();
    int at = 0;
    for (Param p : f.params()) {
      String value = switch (p.kind()) {
        case INT -> Integer.toString((int) flat[at]);
        case RECEIVER -> "the receiver";
        case ARRAY, DATA, MATRIX -> java.util.Arrays.toString(
            java.util.Arrays.copyOfRange(flat, at, at + p.kind().width()));
        case INDEX, LONGS -> java.util.Arrays.toString(java.util.Arrays.stream(flat, at,
            at + p.kind().width()).mapToInt(d -> (int) d).toArray());
        case MASK -> java.util.Arrays.toString(java.util.Arrays.stream(flat, at,
            at + p.kind().width()).mapToObj(d -> d != 0).toArray());
        default -> Double.toString(flat[at]);
      };
      parts.add(p.name() + " = " + value);
      at += p.kind().width();
    }
    return "(" + String.join(", ", parts) + ")";
  }

  static String describe(Unit unit, long seed, Set<String> open, String problem) {
    return "program seed " + seed + " (replay: -Dfuzz.program=" + seed
        + (open.isEmpty() ? "" : " -Dfuzz.open=" + String.join(",", new java.util.TreeSet<>(open)))
        + (SOAK ? " -Dfuzz.soak=true" : "")
        + ")" + (split(seed) ? ", compiled with -Aadjoint.splitAbove=0" : "") + ", class "
        + unit.className() + "\n" + problem + "\n--- " + unit.className() + ".java\n"
        + unit.render();
  }

  static String trace(Throwable e) {
    java.io.StringWriter w = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  /**
   * What version 11 added, counted over the 2 000 programs of run seed 77 (rendered, not
   * compiled): each form must stay common enough to be tested in every CI run. The counts are
   * printed for docs/fuzzing.md ("Coverage of discrete arrays and enhanced for").
   */
  @Test
  void discreteArraysAndEnhancedForAreGenerated() {
    Map<String, java.util.regex.Pattern> forms = new java.util.LinkedHashMap<>();
    forms.put("an int[] index-array parameter", pattern("\\(.*int\\[\\] (ix|ia)[,)]"));
    forms.put("a long[] parameter", pattern("long\\[\\] (lg|la)[,)]"));
    forms.put("a boolean[] mask parameter", pattern("boolean\\[\\] (mk|ka)[,)]"));
    forms.put("a double element indexed through a discrete array (x[idx[i]])",
        pattern("\\w\\[(\\(\\(int\\) )?(ix|ia|lg|la|jp\\d+)\\["));
    forms.put("a mask read in a condition", pattern("(mk|ka|jm\\d+)\\[[^\\]]*\\](\\)|;| \\?| &| \\|)"));
    forms.put("an int[] index local (jp)", pattern("int\\[\\] jp\\d+ = new int"));
    forms.put("an int[] counts local (jc)", pattern("int\\[\\] jc\\d+ = new int"));
    forms.put("a boolean[] local (jm)", pattern("boolean\\[\\] jm\\d+ = new boolean"));
    forms.put("a write into a discrete local", pattern("(jp|jc|jm)\\d+\\[.*\\](\\+\\+|--| = | \\+= )"));
    forms.put("counts[idx[i]]++ (a discrete index of a discrete write)",
        // (since version 16 also through a loop trip's index array jt0 or a record's k0.ix():
        // version 16's locals take some picks)
        pattern("jc\\d+\\[(\\(\\(int\\) )?(ix|ia|lg|la|jp\\d+|jt\\d+|\\w+\\.(ix|lg)\\(\\))\\[.*"
            + "(\\+\\+|--|=)"));
    forms.put("a read, overwrite and read again in one loop trip (rereadLoop)",
        pattern("(?s)for \\(int (i\\d+) = 0; \\1 < \\d; \\1\\+\\+\\) \\{\\n\\s+\\w+ \\+= \\(.*jp\\d+\\["));
    forms.put("a discrete array passed to a helper",
        pattern("h\\d\\([^;]*\\b(ix|ia|lg|la|mk|ka|jp\\d+|jm\\d+)\\b[,)]"));
    forms.put("an int[] parameter sorted by an unannotated call",
        pattern("java.util.Arrays.sort\\((ix|lg)\\)"));
    forms.put("for (double v : a) over a double[]", pattern("for \\(double v\\d+ : \\w+\\)"));
    // (since version 16 also through a record's accessor, q0.xm()[1], and, for writes through a
    // row, over the local matrices that calls and loop trips make, yw0 and yu0: version 16's
    // locals take some picks among the matrices)
    forms.put("for (double v : m[r]) over a matrix row",
        pattern("for \\(double v\\d+ : [\\w.()]+\\[\\d\\]\\)"));
    forms.put("for (int w : idx)", pattern("for \\(int w\\d+ : "));
    forms.put("for (double[] r : m)", pattern("for \\(double\\[\\] r\\d+ : "));
    forms.put("... with a write through the row of a local matrix",
        pattern("(?s)for \\(double\\[\\] (r\\d+) : (ym|yw\\d+|yu\\d+)\\).*\\1\\[[^\\n]*"
            + "(\\+\\+|--| = | [-+*]= )"));
    assertCommon(forms.keySet(), (form, source) -> forms.get(form).matcher(source).find());
  }

  /**
   * What version 12 added, counted over the 2 000 programs of run seed 77 (rendered, not
   * compiled), in the methods (after the first {@code @Differentiable}, past any constructor):
   * each form must stay common enough to be tested in every CI run. The counts are printed for
   * docs/fuzzing.md ("Coverage of instance methods, recursion and generators").
   */
  @Test
  void instanceMethodsRecursionAndGeneratorsAreGenerated() {
    Map<String, java.util.regex.Pattern> forms = new java.util.LinkedHashMap<>();
    forms.put("a class with fields (a final class or a record)",
        pattern("(?m)^(record P\\d+\\(|  (final )?(double|int) f[di]\\d;)"));
    forms.put("... a record", pattern("(?m)^record P\\d+\\("));
    forms.put("... a final class with a field that is not final",
        pattern("(?m)^  (double|int) f[di]\\d;"));
    forms.put("an instance f (the API takes the receiver first)", pattern("(?m)^  double f\\("));
    forms.put("an instance helper", pattern("(?m)^  double(\\[\\])? h[r\\d]\\("));
    forms.put("... that returns double[]", pattern("(?m)^  double\\[\\] h\\d\\("));
    forms.put("a double field read as f", pattern("[^.\\w]fd\\d\\b(?!\\()"));
    forms.put("a double field read as this.f", pattern("this\\.fd\\d\\b(?!\\()"));
    forms.put("a record component read through its accessor (f(), this.f())",
        pattern("\\bf[di]\\d\\(\\)"));
    forms.put("an int field read", pattern("\\bfi0\\b"));
    forms.put("a call of an instance helper (h(..) or this.h(..))",
        pattern("(?s)(?m)^  double(\\[\\])? (h[r\\d])\\(.*[^\\w.]\\2\\(.*|this\\.h[r\\d]\\("));
    forms.put("... through this.h(..)", pattern("this\\.h[r\\d]\\("));
    forms.put("a static f with a receiver parameter (@NoDiff P o)", pattern("@NoDiff P\\d+ o\\b"));
    forms.put("... calling its instance method (o.h(..))", pattern("\\bo\\.h[r\\d]\\("));
    forms.put("... reading its field (o.f, o.f())", pattern("\\bo\\.f[di]\\d"));
    forms.put("a recursive helper hr(.., int d)", pattern("double hr\\("));
    forms.put("... an instance method", pattern("(?m)^  double hr\\("));
    forms.put("... hr called by f", pattern("(?s)double f\\(.*\\bhr\\("));
    forms.put("... called by another helper",
        pattern("(?s)double hr\\(.*double(\\[\\])? h\\d\\([^\\n]*\\{\\n(?:(?!  @Differentiable).)*\\bhr\\("));
    forms.put("... whose recursive call passes an array",
        pattern("hr\\([^;]*\\b(aa|xa|da|ya|y[a-z]|yf\\d+)\\b[^;]*\\(d - [12]\\)|hr\\([^;]*\\(d - [12]\\)[^;]*\\b(aa|ya)\\b"));
    forms.put("a recursive double[] helper hs(.., int d)", pattern("double\\[\\] hs\\("));
    forms.put("... hs called by f", pattern("(?s)double f\\(.*= (this\\.|o\\.)?hs\\("));
    forms.put("a java.util.Random local", pattern("java.util.Random g\\d+ = new"));
    forms.put("new java.util.Random(seed).nextInt(k) inline",
        pattern("new java.util.Random\\([^;]*\\)\\.nextInt"));
    forms.put("g.nextInt(k)", pattern("g\\d+\\.nextInt\\("));
    forms.put("a random index, unwrapped (x[g.nextInt(3)])",
        pattern("\\[(g\\d+|new java.util.Random\\([^\\]]*\\))\\.nextInt\\(3\\)\\]"));
    forms.put("g.nextDouble()", pattern("g\\d+\\.nextDouble\\(\\)"));
    assertCommon(forms.keySet(), (form, source) -> forms.get(form).matcher(
        form.contains("record") || form.contains("class") ? source : methods(source)).find());
  }

  /**
   * What version 13 added, counted over the 2 000 programs of run seed 77 (rendered, not
   * compiled), in the methods: each form must stay common enough to be tested in every CI run.
   * {@code ARR} in a form stands for a call of one of the program's {@code double[]} callees (its
   * {@code double[]} helpers and the softmax rules), so that calls of {@code double} helpers do
   * not count. The counts are printed for docs/fuzzing.md ("Coverage of arrays in loops").
   */
  @Test
  void arraysInLoopsAreGenerated() {
    Map<String, String> forms = new java.util.LinkedHashMap<>();
    forms.put("a double[] made in a loop body (new double[3])", "double\\[\\] yt\\d+ = new double\\[3\\]");
    forms.put("... read, then overwritten in the same trip",
        "(?s)(yt\\d+)\\[\\d\\] [-+*]?= [^;]*\\1\\[");
    forms.put("a double[] whose length changes from trip to trip",
        "double\\[\\] yv\\d+ = new double\\[\\(1 \\+ Math.floorMod");
    forms.put("a double[][] made in a loop body", "double\\[\\]\\[\\] yu\\d+ = new double");
    forms.put("an int[] made in a loop body", "int\\[\\] jt\\d+ = new int");
    forms.put("a loop array passed to a callee", "\\((?:[^;\\n]*, )?(yt|yu)\\d+[,)]");
    forms.put("a double[] helper called in a loop body (double[] yl = h(..))",
        "double\\[\\] yl\\d+ = (this\\.|o\\.)?h[s\\d]\\(");
    forms.put("the softmax rule called in a loop body", "double\\[\\] yl\\d+ = Rules\\.softmax");
    forms.put("a row m[i] passed to a double[] parameter",
        "(h[rs\\d]|Rules\\.\\w+)\\((?:[^;\\n]*, )?(xm|am|ym|yu\\d+)\\[[^\\]]*\\][,)]");
    forms.put("the row r of for (double[] r : m) passed to a double[] parameter",
        "(h[rs\\d]|Rules\\.\\w+)\\((?:[^;\\n]*, )?r\\d+[,)]");
    forms.put("a double[] call nested as an argument (hq(h0(..)))", "(\\(|, )ARR\\(");
    forms.put("... in a loop body",
        "(?m)^( +)(for|while|do)\\b[^\\n]*\\{\\n(?:\\1 [^\\n]*\\n)*?\\1 [^\\n]*(\\(|, )ARR\\(");
    forms.put("... as the argument of a double[] callee",
        "double\\[\\] yn\\d+ = [^;]*(\\(|, )ARR\\(");
    forms.put("return h0(..) in a double[] helper", "return ARR\\(");
    java.util.regex.Pattern arrayHelpers = pattern("double\\[\\] (h[s\\d])\\(");
    assertCommon(forms.keySet(), (form, source) -> {
      String methods = methods(source);
      List<String> names = new ArrayList<>();
      java.util.regex.Matcher m = arrayHelpers.matcher(methods);
      while (m.find()) {
        names.add("(this\\.|o\\.)?" + m.group(1));
      }
      names.add("Rules\\.softmax\\w*");
      String arr = "(?:" + String.join("|", names) + ")";
      return pattern(forms.get(form).replace("ARR", arr)).matcher(methods).find();
    });
  }

  /**
   * Version 14: records as parameters ({@link RecordForms}), counted over the 2 000 programs of
   * run seed 77 (rendered, not compiled); fails where a form is in fewer than 20.
   */
  @Test
  void recordsAreGenerated() {
    Map<String, String> forms = new java.util.LinkedHashMap<>();
    String r = "q0\\.(?:in0\\(\\)\\.)?"; // a leaf of q0, nested or not
    forms.put("f takes a differentiable record (R0 q0)", "double f\\([^)]*\\bR0 q0\\b");
    forms.put("... an instance f", "(?m)^  double f\\([^)]*\\bR0 q0\\b");
    forms.put("... a double component", "record (R0|N0)\\([^)]*\\bdouble x\\d");
    forms.put("... a double[] component", "record (R0|N0)\\([^)]*double\\[\\] xa\\b");
    forms.put("... a double[][] component", "record (R0|N0)\\([^)]*double\\[\\]\\[\\] xm\\b");
    forms.put("... a carried int component", "record (R0|N0)\\([^)]*\\bint n\\b");
    forms.put("... a carried int[] component", "record (R0|N0)\\([^)]*\\bint\\[\\] ix\\b");
    forms.put("... a nested record (N0 in0)", "record R0\\([^)]*\\bN0 in0\\b");
    forms.put("a double read through an accessor (q0.x0())", r + "x\\d\\(\\)");
    forms.put("an element read through an accessor (q0.xa()[i])", r + "xa\\(\\)\\[");
    forms.put("a matrix element (q0.xm()[i][j])", r + "xm\\(\\)\\[[^\\]]*\\]\\[");
    forms.put("a length (q0.xa().length, q0.xm()[r].length)",
        r + "x[am]\\(\\)(\\[\\d\\])?\\.length");
    forms.put("an enhanced for over a component (for (double v : q0.xa()), k0.ix(), ..)",
        "for \\((double|int|double\\[\\]) \\w+ : [qdk]0\\.");
    forms.put("a component passed to a callee (h(q0.xa(), ..))",
        "(h[rs\\d]|Rules\\.\\w+)\\((?:[^;\\n]*, )?" + r + "x[am]\\(\\)[,)]");
    forms.put("a row of a component passed to a callee (h(q0.xm()[i], ..))",
        "(h[rs\\d]|Rules\\.\\w+)\\((?:[^;\\n]*, )?" + r + "xm\\(\\)\\[[^\\]]*\\][,)]");
    forms.put("an index component indexing (x[q0.ix()[i]], x[k0.ix()[i]])",
        "\\[[qdk]0\\.(?:in0\\(\\)\\.)?ix\\(\\)\\[");
    forms.put("a carried int read (q0.n(), k0.n(), d0.n())", "[qdk]0\\.(?:in0\\(\\)\\.)?n\\(\\)");
    forms.put("a helper that takes R0", "double h\\d\\([^)]*\\bR0 q0\\b");
    forms.put("... passed the record whole (h0(q0, ..))", "\\bh\\d\\((?:[^;\\n]*, )?q0[,)]");
    forms.put("a @NoDiff data record (@NoDiff D0 d0)", "@NoDiff D0 d0\\b");
    forms.put("... its array read (d0.da()[i])", "d0\\.da\\(\\)\\[");
    forms.put("... its double read (d0.c())", "d0\\.c\\(\\)");
    forms.put("a record with no floating-point data (K0 k0)", "\\bK0 k0\\b");
    forms.put("... its int[], long[] or boolean[] read (k0.ix()[i])", "k0\\.(ix|lg|mk)\\(\\)\\[");
    forms.put("... a helper takes it whole", "double h\\d\\([^)]*\\bK0 k0\\b");
    assertCommon(forms.keySet(), (form, source) -> pattern(forms.get(form)).matcher(source).find());
  }

  /**
   * What version 15 added, counted over the 2 000 programs of run seed 77 (see {@link
   * #assertCommon}): array initializers, with elements that read differentiable inputs.
   */
  @Test
  void arrayInitializersAreGenerated() {
    Map<String, String> forms = new java.util.LinkedHashMap<>();
    forms.put("double[] ya = {..}", "double\\[\\] ya = \\{");
    forms.put("double[] ya = new double[] {..}", "double\\[\\] ya = new double\\[\\] \\{");
    forms.put("double[][] ym = {{..}, {..}} (or new double[][] {..})",
        "double\\[\\]\\[\\] ym = (new double\\[\\]\\[\\] )?\\{\\{");
    forms.put("... an element that reads a parameter", "ya = (new double\\[\\] )?\\{[^;]*\\b(x\\d|xa)");
    forms.put("... the first statement of a double[] helper",
        "(?s)double\\[\\] h[s\\d]\\([^{]*\\{\\s*double\\[\\] ya = (new double\\[\\] )?\\{");
    assertCommon(forms.keySet(), (form, source) ->
        pattern(forms.get(form)).matcher(methods(source)).find());
  }

  /**
   * Version 16's forms are common enough to be tested in every CI run (see {@link
   * #assertCommon}): helpers with out-parameters and their calls, and {@code Math.pow} at an
   * exponent that may be exactly 0.
   */
  @Test
  void outParametersAndPowAtZeroAreGenerated() {
    // "LOOP:regex": a line that regex finds, inside a loop (its enclosing line by indentation
    // is a for, while or do)
    Map<String, String> forms = new java.util.LinkedHashMap<>();
    forms.put("a void helper with out-parameters (static void ho(.., double[] out))",
        "static void ho\\(");
    forms.put("a double helper with out-parameters (static double ho(.., double[] out))",
        "static double ho\\(");
    forms.put("... a plain write of every element (out[i] = ..)",
        "(?s)static \\w+ ho\\(.*?\\{\\s*out\\[i\\d\\] = ");
    forms.put("... an accumulating write (out[i] += .., -=, *=)",
        "(?s)static \\w+ ho\\(.*?\\{\\s*out\\[i\\d\\] [-+*]= ");
    forms.put("... a partial write (out[k] = .. for one k)", "\\n    out\\[\\d\\] [-+*]?= ");
    forms.put("a call ho(..) as a statement", "\\n\\s+ho\\(");
    forms.put("... its value declared or assigned (double tq0 = ho(..), t0 += ho(..))",
        "(double tq\\d+|[a-z]\\w*) [-+*]?= ho\\(");
    forms.put("... into a local array (ho(.., ya), ho(.., yb))", "ho\\([^;]*, y[a-z]\\d*\\);");
    forms.put("... into a row of a local matrix (ho(.., ym[1]))",
        "ho\\([^;]*\\by[mu]\\d*\\[\\d\\][,)]");
    forms.put("... into an array made in this loop trip (yt0, or a row of yu0)",
        "ho\\([^;]*\\by[tu]\\d+(\\[\\d\\])?[,)]");
    forms.put("... in a loop body (one buffer on every trip)", "LOOP:\\bho\\(");
    forms.put("... aliased: its input array is its out array (ho(ya, x0, ya))",
        "ho\\((\\w+(\\[\\d\\])?), ([^;]*, )?\\1[,)]");
    forms.put("... in f", "(?s)double f\\([^{]*\\{.*\\bho\\(");
    forms.put("... in a double[] helper", "(?s)double\\[\\] h[s\\d]\\([^{]*\\{[^@]*\\bho\\(");
    forms.put("Math.pow(e, k) at an int exponent that may be 0 (Math.floorMod(k, 3))",
        "Math\\.pow\\([^;]*, (\\(\\(double\\) )?Math\\.floorMod\\(");
    forms.put("a double[][] helper (static double[][] hm)", "static double\\[\\]\\[\\] hm\\(");
    forms.put("... its matrix taken (double[][] yw0 = hm(..))", "double\\[\\]\\[\\] yw\\d+ = hm\\(");
    forms.put("... in a loop body (a new matrix every trip)", "LOOP:double\\[\\]\\[\\] yw\\d+ = hm\\(");
    forms.put("... written after the call (yw0[i][j] = .., +=, ++)",
        "\\byw\\d+(\\[[^\\]]+\\]|\\[Math[^;]*?\\)\\]){2} ?([-+*]?=|\\+\\+|--)");
    forms.put("... a row passed on (h(yw0[1], ..), for (double[] r : yw0))",
        "(\\(|, )yw\\d+\\[[^\\]]+\\][,)]|: yw\\d+\\)");
    forms.put("a field holding an object (final Cfg fc0) read through it in an instance method"
        + " (fc0.k, this.fc0.k)",
        "(?<![.\\w])(this\\.)?fc0\\.k\\b");
    forms.put("... read through a receiver parameter (o.fc0.k)", "\\bo\\.fc0\\.k\\b");
    forms.put("a field read through a plain getter (get_k0(), this.get_fc0().k, o.get_n0())",
        "\\bget_\\w+\\(\\)");
    forms.put("Math.pow(e, x * 0) at a differentiable exponent that is 0",
        "Math\\.pow\\([^;]*, \\(\\w+ \\* 0\\)\\)");
    // version 20: declarations, so matched in the whole source
    forms.put("a final class's private fields (private final double fd0), read through"
        + " VarHandles", "SOURCE:\\n  private (final )?(double|int|Cfg) \\w+;");
    forms.put("... and the private k of an object a field holds (fc0.k)",
        "SOURCE:\\n    private double k;");
    assertCommon(forms.keySet(), (form, source) -> forms.get(form).startsWith("LOOP:")
        ? inLoop(methods(source), pattern(forms.get(form).substring(5)))
        : forms.get(form).startsWith("SOURCE:")
        ? pattern(forms.get(form).substring(7)).matcher(source).find()
        : pattern(forms.get(form)).matcher(methods(source)).find());
  }

  /**
   * Version 17's forms are common enough to be tested in every CI run (see {@link
   * #assertCommon}): small static helpers called in loop bodies (which reverse mode writes into
   * the caller), chains of them, and the calls the processor must leave as calls.
   */
  @Test
  void helperCallsInLoopsAreGenerated() {
    // a prefix names where the line must be: "LOOP:" in any loop body, "FOR:", "WHILE:", "DO:"
    // directly in a loop of that kind, "NESTED:" in a loop in a loop, "CHAIN:" in a loop body
    // of hp1 or hp2 (see loopsAround)
    Map<String, String> forms = new java.util.LinkedHashMap<>();
    forms.put("a static double helper for calls in loops (static double hp0)",
        "static double hp0\\(");
    forms.put("... called in a loop body, its value assigned (t0 += hp1(..), =, -=, *=)",
        "LOOP:^\\s+[a-z]\\w* [-+*]?= hp\\d\\(");
    forms.put("... declared (double tp0 = hp0(..))", "LOOP:double tp\\d+ = hp\\d\\(");
    forms.put("... written into an element (ya[1] = hp1(..), ym[0][2] += hp0(..))",
        "LOOP:\\] [-+*]?= hp\\d\\(");
    forms.put("... inside an expression (t0 += e * hp0(..), Math.sin(hp0(..) * e))",
        "LOOP:= .*[-+*(] hp\\d\\(|Math\\.sin\\(\\(hp\\d\\(");
    forms.put("... in a for loop", "FOR:\\bhp\\d\\(");
    forms.put("... in a while loop", "WHILE:\\bhp\\d\\(");
    forms.put("... in a do loop", "DO:\\bhp\\d\\(");
    forms.put("... in a loop in a loop", "NESTED:\\bhp\\d\\(");
    forms.put("... a row indexed by a loop variable (xm[Math.floorMod(i0, 2)], yp0[ip1])",
        "LOOP:\\bhp\\d\\([^;]*\\[(Math\\.floorMod\\()?ip?\\d+(, 2\\))?\\][,)]");
    forms.put("... without Math.floorMod (yp0[ip1], in a loop below yp0.length)",
        "LOOP:\\bhp\\d\\([^;]*\\[ip?\\d+\\][,)]");
    forms.put("... a row indexed by an index array (ym[Math.floorMod(jp0[1], 2)])",
        "LOOP:\\bhp\\d\\([^;]*\\[Math\\.floorMod\\(\\w+\\[\\d\\], 2\\)\\][,)]");
    forms.put("... an array by name (hp0(ya, ..), hp1(xa, ..))",
        "LOOP:\\bhp\\d\\(([^;]*, )?(xa|da|aa|ab|y[a-z]\\d*)[,)]");
    forms.put("... a row of a local matrix, written after the call in the same trip",
        "(?m)\\bhp\\d\\([^;]*\\b(y[mpuw]\\d*)\\[([^\\[\\]]+|Math\\.floorMod\\([^;]*?\\))\\]"
            + "[,)][^;]*;\\n(.*\\n)?\\s*\\1\\[\\2\\]\\[");
    forms.put("a helper calling a helper (hp1: double tc0 = hp0(..))",
        "static double hp1\\([^\\n]*\\n\\s+double tc0 = hp0\\(");
    forms.put("... a chain of three (hp2 calls hp1 calls hp0)",
        "static double hp2\\([^\\n]*\\n\\s+double tc0 = hp1\\(");
    forms.put("... its head called in a loop (hp1 or hp2)", "LOOP:\\bhp[12]\\(");
    forms.put("... a helper calling one in a loop of its own body", "CHAIN:\\bhp[01]\\(");
    forms.put("left as a call: a helper that writes its array parameter (ho), its value used,"
        + " in a loop", "LOOP:(double tq\\d+|[a-z]\\w*) [-+*]?= ho\\(");
    forms.put("... a helper call in a branch of ?: in a loop", "LOOP:(\\?|:) hp\\d\\(");
    forms.put("... in a loop's condition (while (ip0 < 2 && (hp0(..) > e)))",
        "LOOP:^\\s*while \\(ip?\\d+ < .* && \\(.*\\bhp\\d\\(");
    forms.put("... right of && or || in an if's condition in a loop",
        "LOOP:^\\s*if \\(.*\\) (&&|\\|\\|) \\(hp\\d\\(");
    forms.put("... after a call with effects in the statement (Rules.next(3) * 0.25 + hp0(..))",
        "LOOP:(Rules\\.next\\(\\d\\)\\) \\* 0\\.25\\)|Rules\\.level\\(\\)) [-+*] hp\\d\\(");
    assertCommon(forms.keySet(), (form, source) -> {
      String regex = forms.get(form);
      int colon = regex.indexOf(':');
      String where = colon > 0 && regex.substring(0, colon).matches("[A-Z]+")
          ? regex.substring(0, colon) : null;
      if (where == null) {
        return pattern(regex).matcher(methods(source)).find();
      }
      return loopsAround(methods(source), pattern(regex.substring(colon + 1)), where);
    });
  }

  /**
   * Whether a line that {@code line} finds is where {@code where} says (by the rendered
   * indentation): "LOOP" in a loop body, "FOR", "WHILE", "DO" directly in a loop of that kind,
   * "NESTED" in a loop in a loop, "CHAIN" in a loop body of the helper {@code hp1} or {@code hp2}.
   */
  private static boolean loopsAround(String source, java.util.regex.Pattern line, String where) {
    String[] lines = source.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (!line.matcher(lines[i]).find()) {
        continue;
      }
      List<String> loops = new ArrayList<>();
      String method = null;
      int indent = lines[i].length() - lines[i].stripLeading().length();
      for (int j = i - 1; j >= 0; j--) {
        int outer = lines[j].length() - lines[j].stripLeading().length();
        if (outer < indent) {
          String head = lines[j].stripLeading();
          java.util.regex.Matcher m = pattern("^(for|while|do)\\b").matcher(head);
          if (m.find()) {
            loops.add(m.group(1));
          }
          if (outer == 2) {
            java.util.regex.Matcher name = pattern("\\b(\\w+)\\(").matcher(head);
            method = name.find() ? name.group(1) : null;
            break;
          }
          indent = outer;
        }
      }
      boolean found = switch (where) {
        case "LOOP" -> !loops.isEmpty();
        case "FOR", "WHILE", "DO" ->
            !loops.isEmpty() && loops.get(0).equals(where.toLowerCase(Locale.ROOT));
        case "NESTED" -> loops.size() >= 2;
        case "CHAIN" -> !loops.isEmpty() && method != null && method.matches("hp[12]");
        default -> throw new IllegalArgumentException(where);
      };
      if (found) {
        return true;
      }
    }
    return false;
  }

  /** Whether a line that {@code line} finds is in a loop body (by the rendered indentation). */
  private static boolean inLoop(String source, java.util.regex.Pattern line) {
    String[] lines = source.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (!line.matcher(lines[i]).find()) {
        continue;
      }
      int indent = lines[i].length() - lines[i].stripLeading().length();
      for (int j = i - 1; j >= 0; j--) {
        int outer = lines[j].length() - lines[j].stripLeading().length();
        if (outer < indent) {
          if (lines[j].stripLeading().matches("(for|while|do)\\b.*")) {
            return true;
          }
          break;
        }
      }
    }
    return false;
  }

  /**
   * Counts, over the 2 000 programs of run seed 77 (rendered, not compiled), those in which
   * {@code has} finds each form; prints the counts (for docs/fuzzing.md) and fails where a form
   * is in fewer than 20, too rare to be tested in every CI run.
   */
  private static void assertCommon(
      java.util.Collection<String> forms, java.util.function.BiPredicate<String, String> has) {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    SplittableRandom rnd = new SplittableRandom(77);
    int programs = 2000;
    for (int i = 0; i < programs; i++) {
      String source = Generator.generate(rnd.nextLong(), "P" + i).render();
      for (String form : forms) {
        if (has.test(form, source) && counts.merge(form, 1, Integer::sum) == 1
            && Boolean.getBoolean("fuzz.coverage.show")) {
          System.out.println("--- first program with " + form + ":\n" + source);
        }
      }
    }
    List<String> rare = new ArrayList<>();
    for (String form : forms) {
      int n = counts.getOrDefault(form, 0);
      System.out.printf(Locale.ROOT, "fuzz coverage: %5d of %d programs: %s%n", n, programs, form);
      if (n < 20) {
        rare.add(form + " (" + n + ")");
      }
    }
    assertTrue(rare.isEmpty(), "too rare in 2 000 programs: " + rare);
  }

  /**
   * What version 18 added, counted over the 2 000 programs of run seed 77: a discrete local
   * written right after a call of a helper {@code hpK} in a loop.
   */
  @Test
  void discreteWritesAfterLoopHelperCallsAreGenerated() {
    java.util.regex.Pattern after = pattern(
        "hp\\d\\([^;]*;\\n\\s+(jp|jc|jm)\\d+\\[[^\\n]*(\\+\\+|--| = | \\+= )");
    assertCommon(List.of("a discrete local written right after a call of hpK in a loop"),
        (form, source) -> after.matcher(source).find());
  }

  /** A rendered program's methods: from its first {@code @Differentiable}, past any constructor. */
  private static String methods(String source) {
    return source.substring(source.indexOf("  @Differentiable"));
  }

  private static java.util.regex.Pattern pattern(String regex) {
    return java.util.regex.Pattern.compile(regex);
  }

  @Test
  void theGeneratorIsDeterministic() {
    for (long seed = 0; seed < 50; seed++) {
      assertEquals(Generator.generate(seed, "P").render(), Generator.generate(seed, "P").render());
    }
  }
}
