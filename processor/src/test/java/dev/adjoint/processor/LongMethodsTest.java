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
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Size limits of generated code: every method javac accepts must give generated code javac
 * accepts (the JVM limits a method to 65 535 bytes of bytecode and a class to 65 535 constants).
 */
class LongMethodsTest {

  /**
   * {@code steps} statements that update {@code x} and {@code y}; {@link #handTangents} gives
   * their derivatives, written out by hand.
   */
  private static List<String> steps(int steps) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      out.add(i % 2 == 0 ? "    x = x + Math.sin(y) * 0.001;" : "    y = y * 0.999 + x * 0.0001;");
    }
    return out;
  }

  /**
   * The tangents of {@link #steps} written out by hand (forward mode): {@code {dx/dx0, dx/dy0,
   * dy/dx0, dy/dy0, x, y}} at the end.
   */
  private static double[] handTangents(int steps, double x, double y) {
    double[] dx = {1, 0};
    double[] dy = {0, 1};
    for (int i = 0; i < steps; i++) {
      if (i % 2 == 0) {
        double c = Math.cos(y) * 0.001;
        x = x + Math.sin(y) * 0.001;
        dx = new double[] {dx[0] + c * dy[0], dx[1] + c * dy[1]};
      } else {
        y = y * 0.999 + x * 0.0001;
        dy = new double[] {0.999 * dy[0] + 0.0001 * dx[0], 0.999 * dy[1] + 0.0001 * dx[1]};
      }
    }
    return new double[] {dx[0], dx[1], dy[0], dy[1], x, y};
  }

  @Test
  void aCustomVjpWhoseBodyIsTooLongForFromBodyGetsANoteAndItsRule() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("final class Fns {");
    lines.add("  @CustomVjp static double f(double x, double y) {");
    lines.addAll(steps(1200));
    lines.add("    return x * y;");
    lines.add("  }");
    lines.add("  @Fwd(\"f\") static FwdResult<Double, double[]> fFwd(double x, double y) {");
    lines.add("    return FwdResult.of(x * y, new double[] {x, y});");
    lines.add("  }");
    lines.add("  record FCot(double x, double y) {}");
    lines.add("  @Bwd(\"f\") static FCot fBwd(double[] r, double g) {");
    lines.add("    return new FCot(g * r[1], g * r[0]);");
    lines.add("  }");
    lines.add("  @CustomVjp static double small(double x) { return x * x; }");
    lines.add("  @Fwd(\"small\") static FwdResult<Double, Double> smallFwd(double x) {");
    lines.add("    return FwdResult.of(x * x, x);");
    lines.add("  }");
    lines.add("  @Bwd(\"small\") static double smallBwd(Double x, double g) { return 2 * x * g; }");
    lines.add("}");
    JavaFileObject f = source("Fns", lines.toArray(String[]::new));
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).hadNoteContaining("[AdjointFromBodyOmitted] FnsAdjoint.FromBody has no gradient "
            + "of @CustomVjp method f derived from its body, since its body is too long")
        .inFile(f).onLineContaining("static double f(");
    // The rule is generated as usual (its gradient is the rule's, not the body's) ...
    Object grad = call(c, "fGrad", 2.0, 3.0);
    assertThat((double) get(grad, "x")).isEqualTo(3.0);
    assertThat((double) get(grad, "y")).isEqualTo(2.0);
    // ... and a short body still gets its FromBody.
    assertThat(c.generatedSourceFile("test.FnsAdjoint").orElseThrow().getCharContent(true)
        .toString()).contains("static SmallGrad smallGrad(double x)");
  }

  @Test
  void twoHundredAnnotatedMethodsInOneClass() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("final class Many {");
    for (int m = 0; m < 200; m++) {
      lines.add("  @Differentiable static double f" + m + "(double x, double y, double[] a) {");
      lines.addAll(steps(20));
      lines.add("    for (int i = 0; i < a.length; i++) { x += a[i] * y; }");
      lines.add("    return x * y + " + m + " * x;");
      lines.add("  }");
    }
    lines.add("}");
    Compilation c = compile(source("Many", lines.toArray(String[]::new)));
    assertThat(c).succeededWithoutWarnings();
    for (int m : new int[] {0, 117, 199}) {
      // With a = {}, the loop does nothing: f = x*y + m*x after the steps.
      Object grad = call(c, "f" + m + "Grad", 0.3, -0.7, new double[0]);
      double[] t = handTangents(20, 0.3, -0.7);
      double x = t[4];
      double y = t[5];
      // d(x*y + m*x) = y dx + x dy + m dx
      assertThat((double) get(grad, "x")).isWithin(1e-12).of(y * t[0] + x * t[2] + m * t[0]);
      assertThat((double) get(grad, "y")).isWithin(1e-12).of(y * t[1] + x * t[3] + m * t[1]);
    }
  }

  @Test
  void aStraightLineMethodTooLongForOneGeneratedMethodIsSplit() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("final class Long {");
    lines.add("  @Differentiable static double f(double x, double y) {");
    lines.addAll(steps(800)); // about 9 kB of primal bytecode; its gradient, about 90 kB
    lines.add("    return x * y;");
    lines.add("  }");
    lines.add("}");
    Compilation c = compile(source("Long", lines.toArray(String[]::new)));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c.generatedSourceFile("test.LongAdjoint").orElseThrow().getCharContent(true)
        .toString()).contains("private void forward2()");
    double[] t = handTangents(800, 0.4, 1.3);
    double x = t[4];
    double y = t[5];
    double gx = y * t[0] + x * t[2];
    double gy = y * t[1] + x * t[3];
    Object vg = call(c, "fValueAndGrad", 0.4, 1.3);
    assertThat((double) get(vg, "value")).isEqualTo(x * y);
    assertThat((double) get(get(vg, "grad"), "x")).isWithin(1e-12).of(gx);
    assertThat((double) get(get(vg, "grad"), "y")).isWithin(1e-12).of(gy);
    Object vjp = call(c, "fVjp", 0.4, 1.3);
    for (int i = 0; i < 2; i++) { // a pullback may run again, and gives the same
      Object grad = invoke(vjp, "pullback", 2.0);
      assertThat((double) get(grad, "x")).isEqualTo(2 * (double) get(get(vg, "grad"), "x"));
      assertThat((double) get(grad, "y")).isEqualTo(2 * (double) get(get(vg, "grad"), "y"));
    }
    Object workspace = call(c, "fWorkspace");
    assertThat((double) invoke(workspace, "valueAndGrad", 0.4, 1.3)).isEqualTo(x * y);
    assertThat((double) invoke(workspace, "x")).isEqualTo((double) get(get(vg, "grad"), "x"));
  }

  /**
   * The split form of every construct: loops with breaks, branches, arrays (also one per trip of
   * a loop, by new and by a call, overwritten after reads), a static table, matrices, a callee
   * returning {@code double[]} and a custom rule, forced on a short method by {@code
   * -Aadjoint.splitAbove=0} (each statement list then becomes methods of one statement), gives the
   * same bits as the unsplit form in every generated form.
   */
  @Test
  void theSplitFormGivesTheBitsOfTheUnsplitForm() throws Exception {
    JavaFileObject f = source("Mixed",
        "final class Mixed {",
        "  static final double[] TABLE = {0.5, 1.5, -2.0};",
        "  @Differentiable static double[] smooth(double[] x, double t) {",
        "    double[] y = new double[x.length];",
        "    for (int i = 0; i < x.length; i++) { y[i] = Math.tanh(x[i] * t); }",
        "    return y;",
        "  }",
        "  @CustomVjp static double sq(double x) { return x * x; }",
        "  @Fwd(\"sq\") static FwdResult<Double, Double> sqFwd(double x) {",
        "    return FwdResult.of(x * x, x);",
        "  }",
        "  @Bwd(\"sq\") static double sqBwd(Double x, double g) { return 2 * x * g; }",
        "  @Differentiable static double f(double[] x, double[][] m, double t, int n) {",
        "    double s = 0;",
        "    double[] y = smooth(x, t);",
        "    double[] acc = new double[x.length];",
        "    for (int k = 0; k < n; k++) {",
        "      for (int i = 0; i < x.length; i++) {",
        "        if (y[i] > 0) {",
        "          acc[i] += sq(y[i]) * m[i % m.length][k % m[0].length];",
        "        } else {",
        "          acc[i] -= Math.exp(y[i]) * t;",
        "        }",
        "        s += acc[i] * x[i];",
        "        if (s > 100) {",
        "          break;",
        "        }",
        "      }",
        "      double[] z = smooth(x, t);",
        "      double[] w = new double[2];",
        "      w[0] = z[0] * z[1];",
        "      w[1] = w[0] * w[0];",
        "      w[0] = Math.sin(w[1]) + z[k % z.length];",
        "      z[0] = w[0] * t;",
        "      s += w[0] * 0.1 + w[1] * z[0] + TABLE[k % TABLE.length] * t;",
        "      t = t * 0.9 + s * 0.01;",
        "    }",
        "    while (s > 1) {",
        "      s = Math.sqrt(s);",
        "    }",
        "    return s + t * acc[0];",
        "  }",
        "}");
    Compilation whole = compile(f);
    Compilation split = javac()
        .withProcessors(new AdjointProcessor())
        .withOptions("-Xlint:all,-processing", "-A" + AdjointProcessor.SPLIT_ABOVE + "=0")
        .compile(f);
    assertThat(whole).succeededWithoutWarnings();
    assertThat(split).succeededWithoutWarnings();
    assertThat(split.generatedSourceFile("test.MixedAdjoint").orElseThrow().getCharContent(true)
        .toString()).contains("private void reverse");
    Random random = new java.util.Random(7);
    for (int point = 0; point < 5; point++) {
      double[] x = random.doubles(4, -1, 1).toArray();
      double[][] m = {random.doubles(3, -1, 1).toArray(), random.doubles(3, -1, 1).toArray()};
      double t = random.nextDouble() + 0.5;
      int n = point + 1;
      List<Object> results = new ArrayList<>();
      for (Compilation c : List.of(whole, split)) {
        Object vg = call(c, "fValueAndGrad", x, m, t, n);
        Object vjp = call(c, "fVjp", x, m, t, n);
        Object workspace = call(c, "fWorkspace");
        double value = (double) invoke(workspace, "valueAndGrad", x, m, t, n);
        Object smooth = call(c, "smoothVjp", x, t);
        results.add(List.of(
            get(vg, "value"), fields(get(vg, "grad")),
            fields(invoke(vjp, "pullback", 1.5)), fields(invoke(vjp, "pullback", 1.5)),
            value, Arrays.toString((double[]) invoke(workspace, "x")),
            invoke(workspace, "t"),
            Arrays.toString((double[]) invoke(smooth, "value")),
            fields(invoke(smooth, "pullback", (Object) new double[] {1, -2, 3, 0.5}))));
      }
      assertThat(results.get(1).toString()).isEqualTo(results.get(0).toString());
      // ... and both are right: the derivative in t against a central difference.
      double h = 1e-6;
      double up = (double) get(call(whole, "fValueAndGrad", x, m, t + h, n), "value");
      double down = (double) get(call(whole, "fValueAndGrad", x, m, t - h, n), "value");
      double gt = (double) get(get(call(whole, "fValueAndGrad", x, m, t, n), "grad"), "t");
      assertThat(gt).isWithin(1e-5 * (1 + Math.abs(gt))).of((up - down) / (2 * h));
    }
  }

  /** A record's components, arrays included, as text. */
  private static String fields(Object record) throws Exception {
    StringBuilder out = new StringBuilder();
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Method accessor = c.getAccessor();
      accessor.setAccessible(true);
      Object v = accessor.invoke(record);
      out.append(c.getName()).append('=')
          .append(v instanceof double[] a ? Arrays.toString(a)
              : v instanceof double[][] a ? Arrays.deepToString(a) : v)
          .append(' ');
    }
    return out.toString();
  }

}
