package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.adjoint.processor.Sources.classpathWith;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.step.AdjointProcessor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Diagnostics about method bodies: each at the construct, with its tag. */
class BodyDiagnosticsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a labelled break | outer: for (int i = 0; i < 3; i++) { break outer; } | A labeled statement",
        "an enhanced for | for (double v : new double[] {1, 2}) { x = x * v; } | An enhanced for loop",
        "a switch | switch ((int) x) { case 1: x = 2; break; default: x = 3; } | A switch statement",
        "a try | try { x = x * 2; } finally { x = x + 1; } | A try statement",
        "a throw | if (x < 0) throw new IllegalArgumentException(); | A throw statement",
        "a field write | counter = x; | Writing the field counter",
        "a lambda | java.util.function.DoubleUnaryOperator op = v -> v * 2; | A lambda",
        "an anonymous class | Object o = new Object() { }; | An anonymous class",
        "a nested assignment | double y = (x = 2); | An assignment inside an expression",
        "a checked exception | Class<?> c = Class.forName(\"java.lang.String\"); | A call of forName, which throws the checked exception java.lang.ClassNotFoundException",
      })
  void unsupportedConstructIsAnErrorAtTheConstruct(String what, String statement, String message) {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  static double counter;",
        "  @Differentiable static double f(double x) {",
        "    " + statement,
        "    return x;",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointUnsupportedConstruct] " + message)
        .inFile(f).onLineContaining(statement);
    MethodDiagnosticsTest.assertNoInternalError(c);
  }

  @Test
  void everyUnsupportedConstructOfAMethodIsReportedInOneCompile() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x) {",
        "    switch ((int) x) { default: x = 3; }",
        "    java.util.function.DoubleUnaryOperator op = v -> v * 2;",
        "    return x;",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("A switch").inFile(f).onLineContaining("switch");
    assertThat(c).hadErrorContaining("A lambda").inFile(f).onLineContaining("v -> v * 2");
  }

  @Test
  void unannotatedCallOfADifferentiableValue() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  static double helper(double v) { return v * v; }",
        "  @Differentiable static double f(double x, @NoDiff double k) {",
        "    double constant = helper(k);",
        "    return helper(x) + constant;",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] call to test.Fns.helper must have no differentiable argument")
        .inFile(f).onLineContaining("return helper(x)");
    assertThat(c).hadErrorContaining("annotate helper with @Differentiable or give it a @CustomVjp rule");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void unsupportedMathFunctionNamesTheList() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x) { return Math.fma(x, x, 1.0); }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("fma is not among the supported Math functions")
        .inFile(f).onLineContaining("Math.fma");
  }

  @Test
  void callWithResultWithoutTangentIsFine() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x) {",
        "    if (Double.isNaN(x) || Math.round(x) == 3) { return 0.0; }",
        "    return x * x;",
        "  }",
        "}");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @Test
  void floatOnADifferentiableValue() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x) { return (float) x * 2.0; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointUnsupportedType] expression of type float depends on a differentiable input")
        .inFile(f).onLineContaining("(float) x");
  }

  @Test
  void privateMembersInTheBody() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  private static double scale = 2.0;",
        "  private static final double CONSTANT = 3.0;",
        "  private static double offset() { return 1.0; }",
        "  @Differentiable static double f(double x) {",
        "    double a = x * scale;",
        "    return a * CONSTANT + offset();",
        "  }",
        "}");
    Compilation c = compile(f);
    // A private field is read through a VarHandle (PrivateFieldsTest in the tests module); the
    // private constant is inlined; a private method is an error.
    assertThat(c).hadErrorContaining("[AdjointInaccessible] method offset is private")
        .inFile(f).onLineContaining("offset();");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aPrivateFieldOfAPrivateClassCannotBeRead() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  private static final class Cfg { double k = 2.0; }",
        "  static final class Box { private Cfg cfg = new Cfg(); private double w = 1.0; }",
        "  @Differentiable static double f(double x, @dev.adjoint.NoDiff Box b) {",
        "    return x * b.w + x * b.cfg.k;",
        "  }",
        "}");
    Compilation c = compile(f);
    // b.w is read through a VarHandle; b.cfg's type cannot be named by the generated class
    assertThat(c).hadErrorContaining("[AdjointInaccessible] class Cfg (of the field cfg) is private, so the generated class FnsAdjoint cannot reach it; make it package-private")
        .inFile(f).onLineContaining("b.cfg.k");
    assertThat(c).hadErrorCount(1);
  }

  /** A red team's cases of stop 32: what private field reads must not turn into. */
  @Test
  void fieldsTheGeneratedClassCannotReachThroughThisObject() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  private static final class Priv { double open = 3; static double ss = 1; }",
        "  private double inst = 3.0;",
        "  static class Base { double m() { return 1; } }",
        "  final class Inner extends Base {",
        "    private double k = 2.0;",
        "    @Differentiable double g(double x) { return inst * x + k * x * x; }",
        "    @Differentiable double h(double x) { return super.m() * x; }",
        "  }",
        "  static final class Holder {",
        "    Priv q = new Priv();",
        "    @Differentiable double f2(double x) { return q.open * x; }",
        "    @Differentiable double f7(double x) { return Priv.ss * x; }",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointUnsupportedConstruct] Reading the field inst of the"
            + " enclosing instance of an inner class is not supported")
        .inFile(f).onLineContaining("return inst * x");
    assertThat(c).hadErrorContaining("[AdjointUnsupportedConstruct] A call through super is not"
            + " supported")
        .inFile(f).onLineContaining("super.m()");
    // non-private fields of a private class: one error each, at the first unreachable name
    assertThat(c).hadErrorContaining("[AdjointInaccessible] class Priv (of the field q) is private")
        .inFile(f).onLineContaining("q.open");
    assertThat(c).hadErrorContaining("[AdjointInaccessible] class Priv (of the field ss) is"
            + " private")
        .inFile(f).onLineContaining("Priv.ss");
    assertThat(c).hadErrorCount(4);
  }

  @Test
  void aProtectedTypeOfAnotherPackagesBaseIsNamedInTheMessage() {
    JavaFileObject base = JavaFileObjects.forSourceLines("q.Base",
        "package q;",
        "public class Base {",
        "  protected double pk = 2;",
        "  protected static double ps = 3;",
        "  protected static class Prot { public double v = 5; }",
        "  protected Prot pr = new Prot();",
        "}");
    JavaFileObject f = JavaFileObjects.forSourceLines("p.Main",
        "package p;",
        "import dev.adjoint.Differentiable;",
        "public final class Main extends q.Base {",
        "  @Differentiable double f1(double x) { return pk * x + ps * x; }",
        "  @Differentiable double f3(double x) { return pr.v * x; }",
        "}");
    Compilation c = compile(base, f);
    // pk and ps are read through VarHandles; Prot cannot be named in package p
    assertThat(c).hadErrorContaining("[AdjointInaccessible] class Prot (of the field pr) must be"
            + " reachable from the generated class MainAdjoint, but is not public and in another"
            + " package; make it public")
        .inFile(f).onLineContaining("pr.v");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aDefaultPackageClassNamedLikeTheHandlesHolderCompiles() {
    JavaFileObject f = JavaFileObjects.forSourceLines("PrivateFields",
        "import dev.adjoint.Differentiable;",
        "final class PrivateFields {",
        "  private double k = 2.0;",
        "  @Differentiable double f(double x) { return k * x * x; }",
        "}");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @Test
  void directRecursionCompiles() {
    // Recursion is supported (issue 11): each level calls the generated entry points one down.
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x) {",
        "    if (x < 1) { return x; }",
        "    return f(x / 2) * 2;",
        "  }",
        "}");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @Test
  void recursionThroughAnotherClassCompiles() {
    JavaFileObject a = source("A",
        "final class A {",
        "  @Differentiable static double f(double x) { return x < 1 ? x : B.g(x / 2); }",
        "}");
    JavaFileObject b = source("B",
        "final class B {",
        "  @Differentiable static double g(double x) { return A.f(x) + 1; }",
        "}");
    assertThat(compile(a, b)).succeededWithoutWarnings();
  }

  @Test
  void customRuleBreaksRecursion() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @CustomVjp static double f(double x) { return x < 1 ? x : g(x / 2); }",
        "  @Fwd(\"f\") static FwdResult<Double, Double> fFwd(double x) { return FwdResult.of(f(x), x); }",
        "  @Bwd(\"f\") static double fBwd(Double x, double g) { return g; }",
        "  @Differentiable static double g(double x) { return f(x) * 2; }",
        "}");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @Test
  void calleeFromAJarUsesItsGeneratedClass(@TempDir Path dir) throws IOException {
    Path library = compileLibrary(dir);
    JavaFileObject user = javaSource("app.Model",
        "package app;",
        "import dev.adjoint.Differentiable;",
        "public final class Model {",
        "  @Differentiable public static double loss(double x) { return lib.Lib.square(x) + 1; }",
        "  public static double slope(double x) { return ModelAdjoint.lossGrad(x).x(); }",
        "}");
    Compilation c = javac().withProcessors(new AdjointProcessor())
        .withClasspath(classpathWith(library)).compile(user);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("app.ModelAdjoint").contentsAsUtf8String()
        .contains("LibAdjoint.squareVjp(x)");
  }

  @Test
  void calleeFromAJarWithoutItsGeneratedClass(@TempDir Path dir) throws IOException {
    Path library = compileLibrary(dir);
    Files.delete(library.resolve("lib/LibAdjoint.class"));
    JavaFileObject user = javaSource("app.Model",
        "package app;",
        "import dev.adjoint.Differentiable;",
        "public final class Model {",
        "  @Differentiable public static double loss(double x) { return lib.Lib.square(x) + 1; }",
        "}");
    Compilation c = javac().withProcessors(new AdjointProcessor())
        .withClasspath(classpathWith(library)).compile(user);
    assertThat(c).hadErrorContaining("[AdjointMissingAdjointClass] Lib.square is annotated for Adjoint, but its generated class lib.LibAdjoint is not on the class path")
        .inFile(user).onLineContaining("lib.Lib.square(x)");
  }

  @Test
  void outParameterHelpersFromAJar(@TempDir Path dir) throws IOException {
    // Helpers with out-parameters have no generated members: a caller compiled in another javac
    // run cannot be differentiated through them, and is told so at each call.
    Path library = Sources.compileLibrary(dir, javaSource("lib.Lib",
        "package lib;",
        "import dev.adjoint.Differentiable;",
        "public final class Lib {",
        "  @Differentiable public static double square(double x) { return x * x; }",
        "  @Differentiable public static void twice(double[] x, double[] out) {",
        "    for (int i = 0; i < x.length; i++) { out[i] = 2 * x[i]; }",
        "  }",
        "  @Differentiable public static double normInto(double[] x, double[] out) {",
        "    double n = Math.sqrt(x[0] * x[0] + x[1] * x[1]);",
        "    out[0] = x[0] / n;",
        "    out[1] = x[1] / n;",
        "    return n;",
        "  }",
        "  @Differentiable public static double uses(double[] x) {",
        "    double[] u = new double[2];",
        "    twice(x, u);",
        "    return normInto(u, u) * u[0];",
        "  }",
        "}"));
    JavaFileObject user = javaSource("app.Model",
        "package app;",
        "import dev.adjoint.Differentiable;",
        "public final class Model {",
        "  @Differentiable public static double viaVoid(double[] x) {",
        "    double[] u = new double[2];",
        "    lib.Lib.twice(x, u);",
        "    return u[0] + lib.Lib.uses(x);",
        "  }",
        "}");
    JavaFileObject other = javaSource("app.Other",
        "package app;",
        "import dev.adjoint.Differentiable;",
        "public final class Other {",
        "  @Differentiable public static double viaDouble(double[] x) {",
        "    double[] u = new double[2];",
        "    return lib.Lib.normInto(x, u) * lib.Lib.square(x[0]);",
        "  }",
        "}");
    Compilation c = javac().withProcessors(new AdjointProcessor())
        .withClasspath(classpathWith(library)).compile(user, other);
    assertThat(c).hadErrorContaining("[AdjointOutParameterCall] call of twice, which writes into"
            + " its array parameter (it returns void), must be compiled together with this class")
        .inFile(user).onLineContaining("lib.Lib.twice(x, u)");
    assertThat(c).hadErrorContaining("[AdjointOutParameterCall] call of normInto, which writes"
            + " into its array parameter (its generated class LibAdjoint has no members for it")
        .inFile(other).onLineContaining("lib.Lib.normInto(x, u)");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void outParameterHelpersInAnotherPackage() {
    // A helper's body is written into its callers' generated class: from another package, what
    // only its own package may use (W, bias, sc) would be out of reach, and javac rejected the
    // generated code (a red team's finding). Compiled together, the call is told so instead.
    JavaFileObject helper = javaSource("p1.Hh",
        "package p1;",
        "import dev.adjoint.Differentiable;",
        "public final class Hh {",
        "  static final double[] W = {0.5, 1.5, -2.0};",
        "  static double bias = 0.25;",
        "  static double sc(double v) { return v * 3; }",
        "  @Differentiable public static void lay(double[] x, double[] out) {",
        "    for (int i = 0; i < out.length; i++) { out[i] = W[i] * x[i] * x[i] + bias + sc(1); }",
        "  }",
        "  @Differentiable public static double near(double[] x) {",
        "    double[] o = new double[3];",
        "    lay(x, o);",
        "    return o[0] + o[2];",
        "  }",
        "}");
    JavaFileObject caller = javaSource("p2.Cc",
        "package p2;",
        "import dev.adjoint.Differentiable;",
        "public final class Cc {",
        "  @Differentiable public static double use(double[] x) {",
        "    double[] o = new double[3];",
        "    p1.Hh.lay(x, o);",
        "    return o[0] + o[1] + o[2];",
        "  }",
        "}");
    Compilation c = compile(helper, caller);
    assertThat(c).hadErrorContaining("[AdjointOutParameterCall] call of lay, which writes into"
            + " its array parameter out, must be in this class's package (p2)")
        .inFile(caller).onLineContaining("p1.Hh.lay(x, o)");
    assertThat(c).hadErrorCount(1);
  }

  /** Compiles a small library with the processor into {@code dir}; returns its class directory. */
  private static Path compileLibrary(Path dir) throws IOException {
    return Sources.compileLibrary(dir, javaSource("lib.Lib",
        "package lib;",
        "import dev.adjoint.Differentiable;",
        "public final class Lib {",
        "  @Differentiable public static double square(double x) { return x * x; }",
        "}"));
  }



  private static JavaFileObject javaSource(String name, String... lines) {
    return com.google.testing.compile.JavaFileObjects.forSourceLines(name, lines);
  }

}
