package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.CompiledClasses.call;
import static dev.adjoint.processor.CompiledClasses.get;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
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
}
