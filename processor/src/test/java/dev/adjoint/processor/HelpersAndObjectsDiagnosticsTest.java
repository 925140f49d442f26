package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's messages that lead somewhere: a private helper given a differentiable value, and
 * objects created in a body; each at its file and line, and each fix compiled.
 */
class HelpersAndObjectsDiagnosticsTest {

  @Test
  void privateHelperOfADifferentiableValueSaysAnnotateAndPackagePrivate() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  private static double sq(double v) { return v * v; }",
        "  private static double two() { return 2; }",
        "  @Differentiable static double f(double x) {",
        "    double y = 3 * x;",
        "    double a = sq(y);",
        "    double b = sq(2.0) + two();",
        "    return a + b;",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointInaccessible] method sq is private, so the generated"
            + " class FnsAdjoint cannot reach it, and its argument y may depend on a"
            + " differentiable input, so the derivative must go through its body; annotate it"
            + " @Differentiable and make it package-private")
        .inFile(f).onLineContaining("sq(y)");
    // Constant arguments: package-private is enough.
    assertThat(c).hadErrorContaining("[AdjointInaccessible] method sq is private, so the generated"
            + " class FnsAdjoint cannot reach it; make it package-private")
        .inFile(f).onLineContaining("sq(2.0)");
    assertThat(c).hadErrorContaining("[AdjointInaccessible] method two is private")
        .inFile(f).onLineContaining("sq(2.0) + two()");
    assertThat(c).hadErrorCount(3);
  }

  /**
   * Issue 11's curve fit (c) as first written: the message names an argument that may vary ({@code
   * a}), not the element of a data field before it (stop 29: it named {@code t[i]}, a constant);
   * the private data fields are no error (read through VarHandles since stop 32).
   */
  @Test
  void privateModelHelperOfACurveFitNamesTheVaryingArgument() {
    JavaFileObject f = source("Fit",
        "final class Fit {",
        "  private final double[] t = {0, 1, 2};",
        "  private final double[] y = {1, 0.5, 0.2};",
        "  private static double model(double ti, double a, double b) {",
        "    return a * Math.exp(-b * ti);",
        "  }",
        "  @Differentiable double loss(double a, double b) {",
        "    double s = 0;",
        "    for (int i = 0; i < t.length; i++) {",
        "      double r = model(t[i], a, b) - y[i];",
        "      s += r * r;",
        "    }",
        "    return s;",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointInaccessible] method model is private, so the"
            + " generated class FitAdjoint cannot reach it, and its argument a may depend on a"
            + " differentiable input")
        .inFile(f).onLineContaining("model(t[i], a, b)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void thePrivateHelperFixCompiles() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double sq(double v) { return v * v; }",
        "  static double two() { return 2; }",
        "  @Differentiable static double f(double x) {",
        "    double y = 3 * x;",
        "    double a = sq(y);",
        "    double b = sq(2.0) + two();",
        "    return a + b;",
        "  }",
        "}");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @Test
  void anObjectWithFloatingPointStateIsAnErrorAtItsNew() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  static final class Acc {",
        "    private double sum;",
        "    void add(double v) { sum += v; }",
        "    double get() { return sum; }",
        "  }",
        "  @Differentiable static double f(double x, long seed) {",
        "    java.util.Random rnd = new java.util.Random(seed);",
        "    Acc acc = new Acc();",
        "    acc.add(x * rnd.nextGaussian());",
        "    return acc.get();",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointFloatingObject] an object created in @Differentiable"
            + " code must hold no floating-point data, since a value kept in an object has no"
            + " derivative, but new test.Fns.Acc(...) would hold some: its field sum; keep the"
            + " numbers in double locals and double[] arrays, or, if the object is a constant of"
            + " the derivative, create it outside and pass it in as a @NoDiff parameter")
        .inFile(f).onLineContaining("new Acc()");
    assertThat(c).hadErrorCount(1); // new Random(seed) is fine
  }

  @Test
  void theFloatingObjectFixCompiles() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x, long seed) {",
        "    java.util.Random rnd = new java.util.Random(seed);",
        "    double sum = 0;",
        "    sum += x * rnd.nextGaussian();",
        "    return sum;",
        "  }",
        "}");
    assertThat(compile(f)).succeededWithoutWarnings();
  }
}
