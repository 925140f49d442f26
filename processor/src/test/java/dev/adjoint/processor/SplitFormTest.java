package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.adjoint.processor.CompiledClasses.call;
import static dev.adjoint.processor.CompiledClasses.get;
import static dev.adjoint.processor.CompiledClasses.invoke;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.step.AdjointProcessor;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The split form of long methods (see LongMethodsTest), forced on short ones by {@code
 * -Aadjoint.splitAbove=0}, against closed forms: bugs the differential fuzzer found in it (issue
 * 9; docs/fuzzing.md), where the unsplit form was right. Each program is checked in both forms.
 */
class SplitFormTest {

  /** The program compiled twice: as usual, and with every derivative in the split form. */
  private static List<Compilation> bothForms(JavaFileObject f) throws Exception {
    Compilation whole = compile(f);
    Compilation split = javac()
        .withProcessors(new AdjointProcessor())
        .withOptions("-Xlint:all,-processing", "-A" + AdjointProcessor.SPLIT_ABOVE + "=0")
        .compile(f);
    assertThat(whole).succeededWithoutWarnings();
    assertThat(split).succeededWithoutWarnings();
    String name = f.getName().replaceAll(".*/|\\.java$", "");
    assertThat(split.generatedSourceFile("test." + name + "Adjoint").orElseThrow()
        .getCharContent(true).toString()).contains("private void reverse");
    return List.of(whole, split);
  }

  /**
   * Seeds -6827894114569169200, -4250902029890755090, 8419140524222371420: the split fVjp ran its
   * forward sweep on copies of the argument arrays, so the caller's {@code @NoDiff} data stayed
   * unsorted. Its value and gradient were right; the caller's array was not the primal's.
   */
  @Test
  void aSplitVjpChangesNoDiffDataAsThePrimalDoes() throws Exception {
    JavaFileObject f = source("Sorts",
        "final class Sorts {",
        "  @Differentiable static double f(double x, @NoDiff double[] d) {",
        "    double s = x * d[0];",
        "    java.util.Arrays.sort(d);",
        "    return s * d[1];",
        "  }",
        "}");
    for (Compilation c : bothForms(f)) {
      // d = {3, 1, 2}: s = 3x, then d = {1, 2, 3}: f = 3x * 2, f' = 6.
      double[] d = {3, 1, 2};
      Object vjp = call(c, "fVjp", 0.5, d);
      assertThat(d).isEqualTo(new double[] {1, 2, 3});
      d[1] = 100; // a Vjp is a snapshot: later changes to the caller's array do not reach it
      assertThat((double) invoke(vjp, "value")).isEqualTo(3.0);
      for (int i = 0; i < 2; i++) {
        assertThat((double) get(invoke(vjp, "pullback", 1.0), "x")).isEqualTo(6.0);
      }
      double[] e = {3, 1, 2};
      Object vg = call(c, "fValueAndGrad", 0.5, e);
      assertThat(e).isEqualTo(new double[] {1, 2, 3});
      assertThat((double) get(get(vg, "grad"), "x")).isEqualTo(6.0);
    }
  }

  private static final String[] RULES = {
      "  @CustomVjp static double[] exps(double t) {",
      "    return new double[] {Math.exp(t), Math.exp(2 * t)};",
      "  }",
      "  @Fwd(\"exps\") static FwdResult<double[], double[]> expsFwd(double t) {",
      "    double[] y = exps(t);",
      "    return FwdResult.of(y, y); // the value is also the residual",
      "  }",
      "  @Bwd(\"exps\") static double expsBwd(double[] y, double[] g) {",
      "    return g[0] * y[0] + 2 * g[1] * y[1];",
      "  }",
      "  @CustomVjp static double squares(double[] x) {",
      "    return x[0] * x[0] + x[1] * x[1];",
      "  }",
      "  @Fwd(\"squares\") static FwdResult<Double, double[]> squaresFwd(double[] x) {",
      "    return FwdResult.of(squares(x), x); // the argument is the residual",
      "  }",
      "  @Bwd(\"squares\") static double[] squaresBwd(double[] x, double g) {",
      "    return new double[] {2 * g * x[0], 2 * g * x[1]};",
      "  }",
  };

  /**
   * Seeds -6570408718906685970, 2854719412451584140, 2351373855329892722 (a 600-step method,
   * split without the option), ...: the split Vjp's pullback walked back copies of the local
   * arrays, while the rule's Vjp kept the array itself, in its final state: its pullback read
   * {@code y[0] - 1} for {@code y[0]}. fValueAndGrad and the workspace were right.
   */
  @Test
  void aWriteIntoTheArrayARuleReturnedIsUndoneBeforeItsPullbackInTheSplitVjp() throws Exception {
    JavaFileObject f = source("RuleValue", concat(new String[] {
        "final class RuleValue {",
        "  @Differentiable static double f(double t) {",
        "    double[] y = exps(t);",
        "    y[0] -= 1;",
        "    return y[0] * y[1];",
        "  }"}, RULES, new String[] {"}"}));
    double t = 0.3;
    // f = (e^t - 1) e^2t, f' = 3 e^3t - 2 e^2t
    double expected = 3 * Math.exp(3 * t) - 2 * Math.exp(2 * t);
    for (Compilation c : bothForms(f)) {
      Object vjp = call(c, "fVjp", t);
      for (int i = 0; i < 2; i++) {
        assertThat((double) get(invoke(vjp, "pullback", 1.0), "t")).isWithin(1e-12)
            .of(expected);
      }
      assertThat((double) get(get(call(c, "fValueAndGrad", t), "grad"), "t")).isWithin(1e-12)
          .of(expected);
    }
  }

  /**
   * Seed 2351373855329892722 of the soak: the same in a method long enough to take the split form
   * without the option (there after 600 straight-line steps, here 1 500).
   */
  @Test
  void theSameInAMethodLongEnoughToBeSplit() throws Exception {
    int steps = 1500;
    List<String> lines = new java.util.ArrayList<>(List.of(
        "final class LongRuleValue {",
        "  @Differentiable static double f(double t, double x) {",
        "    double[] y = exps(t);",
        "    y[0] -= 1;"));
    for (int i = 0; i < steps; i++) {
      lines.add("    x = x + Math.sin(x) * 0.001;");
    }
    lines.add("    return y[0] * y[1] * x;");
    lines.add("  }");
    lines.addAll(List.of(RULES));
    lines.add("}");
    Compilation c = compile(source("LongRuleValue", lines.toArray(String[]::new)));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c.generatedSourceFile("test.LongRuleValueAdjoint").orElseThrow()
        .getCharContent(true).toString()).contains("private void forward2()");
    double t = -0.4;
    double x = 0.9;
    double dx = 1; // dx_n/dx_0, by hand
    for (int i = 0; i < steps; i++) {
      dx *= 1 + Math.cos(x) * 0.001;
      x = x + Math.sin(x) * 0.001;
    }
    // f = (e^t - 1) e^2t x_n
    double gt = (3 * Math.exp(3 * t) - 2 * Math.exp(2 * t)) * x;
    double gx = (Math.exp(t) - 1) * Math.exp(2 * t) * dx;
    Object vjp = call(c, "fVjp", t, 0.9);
    for (int i = 0; i < 2; i++) {
      Object grad = invoke(vjp, "pullback", 1.0);
      assertThat((double) get(grad, "t")).isWithin(1e-12).of(gt);
      assertThat((double) get(grad, "x")).isWithin(1e-12).of(gx);
    }
    Object vg = call(c, "fValueAndGrad", t, 0.9);
    assertThat((double) get(get(vg, "grad"), "t")).isWithin(1e-12).of(gt);
    assertThat((double) get(get(vg, "grad"), "x")).isWithin(1e-12).of(gx);
  }

  /**
   * Seeds -7948004841944116310, -4297471794252793910, ...: the same through a rule that keeps its
   * argument array, written after the call, in a {@code double[]} method's own Vjp (its pullback
   * read a[0] = 5 where the call saw t).
   */
  @Test
  void aWriteIntoAnArrayARuleKeptIsUndoneBeforeItsPullbackInTheSplitVjp() throws Exception {
    JavaFileObject f = source("RuleArgument", concat(new String[] {
        "final class RuleArgument {",
        "  @Differentiable static double[] h(double t) {",
        "    double[] a = new double[2];",
        "    a[0] = t;",
        "    double s = squares(a);",
        "    a[0] = 5;",
        "    double[] out = new double[2];",
        "    out[0] = s;",
        "    out[1] = a[0] * t;",
        "    return out;",
        "  }",
        "  @Differentiable static double f(double t) {",
        "    double[] y = h(t);",
        "    return y[0] + y[1];",
        "  }"}, RULES, new String[] {"}"}));
    double t = 0.7;
    for (Compilation c : bothForms(f)) {
      // h = {t^2, 5t}: the pullback of {1, 2} is 2t + 10
      Object hVjp = call(c, "hVjp", t);
      for (int i = 0; i < 2; i++) {
        assertThat((double) get(invoke(hVjp, "pullback", (Object) new double[] {1, 2}), "t"))
            .isWithin(1e-12).of(2 * t + 10);
      }
      Object vjp = call(c, "fVjp", t);
      for (int i = 0; i < 2; i++) {
        assertThat((double) get(invoke(vjp, "pullback", 1.0), "t")).isWithin(1e-12)
            .of(2 * t + 5);
      }
    }
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream)
        .toArray(String[]::new);
  }

  /**
   * Discrete arrays and enhanced for loops (issue 11) in both forms: a local int[] permutation
   * overwritten after it was read in a loop, a long[] parameter, a boolean[] mask and the rows
   * of a matrix. f = sum_i x[n-1-i] x[i] + sin(x[i]) + sum_rows (row . x)^2 (mask) + steps.x.
   */
  @Test
  void discreteArraysAndEnhancedForInTheSplitForm() throws Exception {
    JavaFileObject f = source("Discrete",
        "final class Discrete {",
        "  @Differentiable static double f(double[] x, @NoDiff double[][] m, boolean[] mask,",
        "      long[] steps) {",
        "    int n = x.length;",
        "    int[] order = new int[n];",
        "    for (int i = 0; i < n; i++) {",
        "      order[i] = n - 1 - i;",
        "    }",
        "    double s = 0;",
        "    for (int i = 0; i < n; i++) {",
        "      s += x[order[i]] * x[i];",
        "      order[i] = i;",
        "      s += Math.sin(x[order[i]]);",
        "    }",
        "    int r = 0;",
        "    for (double[] row : m) {",
        "      double d = 0;",
        "      for (int j = 0; j < row.length; j++) {",
        "        d += row[j] * x[j];",
        "      }",
        "      if (mask[r]) {",
        "        s += d * d;",
        "      }",
        "      r++;",
        "    }",
        "    for (long k : steps) {",
        "      s += x[(int) k];",
        "    }",
        "    return s;",
        "  }",
        "}");
    double[] x = {0.3, -0.5, 0.9};
    double[][] m = {{1, 2, 0}, {0, -1, 3}};
    boolean[] mask = {true, false};
    long[] steps = {2, 2, 0};
    double[] expected = new double[3];
    double d = x[0] + 2 * x[1];
    for (int j = 0; j < 3; j++) {
      expected[j] = 2 * x[2 - j] + Math.cos(x[j]) + 2 * d * m[0][j];
    }
    expected[2] += 2;
    expected[0] += 1;
    for (Compilation c : bothForms(f)) {
      double[] g = (double[]) get(get(call(c, "fValueAndGrad", x, m, mask, steps), "grad"), "x");
      Object vjp = call(c, "fVjp", x, m, mask, steps);
      for (int i = 0; i < 2; i++) {
        double[] pulled = (double[]) get(invoke(vjp, "pullback", 1.0), "x");
        assertThat(pulled).usingTolerance(1e-12).containsExactly(expected).inOrder();
      }
      assertThat(g).usingTolerance(1e-12).containsExactly(expected).inOrder();
    }
  }

  /**
   * The open bug pullbackJvpSingular (soak seed 4002, program 6895891119297352188): a body too long
   * for one method took fJvp by pullbacks, so a zero tangent through cbrt at 0 gave NaN (an
   * infinite cotangent times productJ's zero partial) where forward mode gives 0. Now its JVP is a
   * split tangent sweep ({@code FTangentSweep}): forward mode's conventions, early returns, loops
   * and array results included, in both forms.
   */
  @Test
  void aSplitJvpIsATangentSweep() throws Exception {
    JavaFileObject f = source("SplitTangents",
        "final class SplitTangents {",
        "  @Differentiable static double f(double x, double[] v) {",
        "    if (x > 10) {",
        "      return x * 2;",
        "    }",
        "    double s = Math.cbrt(x * 0.0) + x;",
        "    for (int i = 0; i < v.length; i++) {",
        "      if (v[i] < 0) {",
        "        return s * v[i];",
        "      }",
        "      s = s * v[i];",
        "    }",
        "    return s;",
        "  }",
        "  @Differentiable static double[] h(double x, double[] v) {",
        "    double[] out = new double[v.length];",
        "    for (int i = 0; i < v.length; i++) {",
        "      out[i] = Math.sin(x * v[i]);",
        "    }",
        "    return out;",
        "  }",
        "}");
    List<Compilation> forms = bothForms(f);
    assertThat(forms.get(1).generatedSourceFile("test.SplitTangentsAdjoint").orElseThrow()
        .getCharContent(true).toString()).contains("static final class FTangentSweep");
    for (Compilation c : forms) {
      double x = 0.7;
      double[] v = {1.5, 2.0};
      // f = x v0 v1 (cbrt(x * 0) is 0, and its zero tangent through cbrt'(0) = inf gives 0)
      Object jvp = call(c, "fJvp", x, v, 1.0, new double[] {0.5, -1.0});
      assertThat((double) get(jvp, "value")).isEqualTo(x * 1.5 * 2.0);
      assertThat((double) get(jvp, "tangent"))
          .isWithin(1e-15).of(1.5 * 2.0 + x * 0.5 * 2.0 - x * 1.5 * 1.0);
      // an early return inside the loop: f = x * v0 * v1 (v1 < 0)
      Object early = call(c, "fJvp", x, new double[] {1.5, -2.0}, 0.0, new double[] {0, 1});
      assertThat((double) get(early, "value")).isEqualTo(x * 1.5 * -2.0);
      assertThat((double) get(early, "tangent")).isWithin(1e-15).of(x * 1.5);
      // the early return at the top: f = 2x
      assertThat((double) get(call(c, "fJvp", 11.0, v, 1.0, null), "tangent")).isEqualTo(2.0);
      double[] dh = (double[]) get(call(c, "hJvp", x, v, 1.0, null), "tangent");
      assertThat(dh).usingTolerance(1e-15)
          .containsExactly(1.5 * Math.cos(x * 1.5), 2.0 * Math.cos(x * 2.0)).inOrder();
    }
  }

  /**
   * A {@code double[][]} result in both forms: the split pullback checks the cotangent's shape
   * row by row and gives the closed form; the split JVP's tangent agrees with it; the value is a
   * new matrix.
   */
  @Test
  void aMatrixResultInBothForms() throws Exception {
    JavaFileObject f = source("Grids",
        "final class Grids {",
        "  @Differentiable static double[][] outer(double[] a, double t) {",
        "    double[][] m = new double[a.length][2];",
        "    for (int i = 0; i < a.length; i++) {",
        "      m[i][0] = a[i] * Math.sin(t);",
        "      m[i][1] = a[i] * a[i];",
        "    }",
        "    m[0][0] += t;",
        "    return m;",
        "  }",
        "  @Differentiable static double sum(double[] a, double t) {",
        "    double[][] m = outer(a, t);",
        "    return m[0][0] * m[1][1];",
        "  }",
        "}");
    for (Compilation c : bothForms(f)) {
      double[] a = {0.5, -2};
      double t = 0.3;
      Object vjp = call(c, "outerVjp", a, t);
      double[][] value = (double[][]) invoke(vjp, "value");
      assertThat(value).isEqualTo(new double[][] {
          {0.5 * Math.sin(t) + t, 0.25}, {-2 * Math.sin(t), 4}});
      double[][] cot = {{1, 2}, {3, 4}};
      Object grad = invoke(vjp, "pullback", (Object) cot);
      // d/da0 = sin t + 2 * 2 a0, d/da1 = 3 sin t + 4 * 2 a1, d/dt = a0 cos t + 1 + 3 a1 cos t
      assertThat((double[]) get(grad, "a")).usingTolerance(1e-14)
          .containsExactly(Math.sin(t) + 2, 3 * Math.sin(t) - 16).inOrder();
      assertThat((double) get(grad, "t")).isWithin(1e-14)
          .of(0.5 * Math.cos(t) + 1 - 6 * Math.cos(t));
      Exception wrong = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> invoke(vjp, "pullback", (Object) new double[][] {{1, 2}, {3}}));
      assertThat(wrong.getCause()).hasMessageThat().contains("has length 1 in row 1");
      Object jvp = call(c, "outerJvp", a, t, new double[] {1, 0}, 0.0);
      double[][] tangent = (double[][]) get(jvp, "tangent");
      assertThat(tangent).hasLength(2);
      assertThat(tangent[0]).usingTolerance(0).containsExactly(Math.sin(t), 1).inOrder();
      assertThat(tangent[1]).usingTolerance(0).containsExactly(0, 0).inOrder(); // 2 a1 0 = -0.0
      Object vg = call(c, "sumValueAndGrad", a, t);
      // (a0 sin t + t) a1^2: d/da0 = sin t a1^2
      assertThat(((double[]) get(get(vg, "grad"), "a"))[0]).isWithin(1e-14)
          .of(Math.sin(t) * 4);
    }
  }

}
