package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per tag about annotated methods and their classes, asserting tag, file and line. */
class MethodDiagnosticsTest {

  @Test
  void differentiableAndCustomVjpOnOneMethod() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable @CustomVjp",
        "  static double f(double x) { return x; }  // <- f",
        "  @Fwd(\"f\") static FwdResult<Double, Double> fFwd(double x) { return FwdResult.of(x, x); }",
        "  @Bwd(\"f\") static double fBwd(Double r, double g) { return g; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointConflictingAnnotations] method f must be either")
        .inFile(f).onLineContaining("@Differentiable @CustomVjp");
    assertNoInternalError(c);
  }

  @Test
  void interfaceDefaultMethodIsToBeMadeStaticAndThenCompiles() {
    JavaFileObject f = source("Fns",
        "interface Fns {",
        "  @Differentiable default double f(double x) { return x * x; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointOverridableMethod] @Differentiable method f must not"
        + " be overridable, since an override would run a body other than the one differentiated,"
        + " but it is an instance method of an interface; make it static")
        .inFile(f).onLineContaining("double f(");
    // An interface method cannot be final; the advice taken, it compiles.
    JavaFileObject fixed = source("Fns",
        "interface Fns {",
        "  @Differentiable static double f(double x) { return x * x; }",
        "}");
    Compilation d = compile(fixed);
    assertThat(d).succeededWithoutWarnings();
    assertThat(d).generatedSourceFile("test.FnsAdjoint");
  }

  @Test
  void overridableInstanceMethod() {
    JavaFileObject f = source("Fns",
        "class Fns {",
        "  @Differentiable double f(double x) { return x * x; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointOverridableMethod] @Differentiable method f must not"
        + " be overridable, since an override would run a body other than the one differentiated,"
        + " but neither it nor its class Fns is final; make the method final (or its class final,"
        + " a record or an enum), or, if it does not use this, static")
        .inFile(f).onLineContaining("double f(");
  }

  @Test
  void instanceCustomRule() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @CustomVjp double f(double x) { return x * x; }",
        "  @Fwd(\"f\") FwdResult<Double, Double> fFwd(double x) { return FwdResult.of(x * x, x); }",
        "  @Bwd(\"f\") double fBwd(Double x, double g) { return 2 * x * g; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointInstanceMethod] @CustomVjp method f must be static,"
        + " but is an instance method; make it and its companions static, and pass the object"
        + " as a parameter where they read it, @NoDiff on f (custom rules on instance methods are"
        + " not supported yet)").inFile(f).onLineContaining("double f(");
  }

  @Test
  void abstractMethod() {
    JavaFileObject f = source("Fns",
        "abstract class Fns {",
        "  @Differentiable abstract double f(double x);",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointAbstractMethod] @Differentiable method f must have a body")
        .inFile(f).onLineContaining("abstract double f(");
  }

  @Test
  void interfaceMethodWithoutBody() {
    JavaFileObject f = source("Fns",
        "interface Fns {",
        "  @Differentiable double f(double x);",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointAbstractMethod]").inFile(f).onLineContaining("double f(");
  }

  @Test
  void typeParameters() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static <T> double f(double x, T tag) { return x; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointTypeParameters] @Differentiable method f must not declare type parameters (T)")
        .inFile(f).onLineContaining("double f(");
  }

  @Test
  void privateMethod() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable private static double f(double x) { return x; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointInaccessible] @Differentiable method f must be reachable from the generated class FnsAdjoint, but is private")
        .inFile(f).onLineContaining("double f(");
  }

  @Test
  void privateNestedClass() {
    JavaFileObject f = source("Outer",
        "final class Outer {",
        "  private static final class Inner {",
        "    @Differentiable static double f(double x) { return x; }",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointInaccessible] class Inner must be reachable from the generated class Outer_InnerAdjoint")
        .inFile(f).onLineContaining("class Inner");
  }

  @Test
  void privateTypeInTheSignature() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  private record Config(double scale) {}",
        "  @Differentiable static double f(double x, @NoDiff Config c) { return x * c.scale(); }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointInaccessible] the type Config of parameter c must be reachable from the generated class FnsAdjoint")
        .inFile(f).onLineContaining("double f(");
  }

  @Test
  void noDifferentiableParameter() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(int n, @NoDiff double k) { return n * k; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointNoDifferentiableParameter] @Differentiable method f must have at least one differentiable parameter")
        .inFile(f).onLineContaining("double f(");
  }

  @Test
  void resultWithoutTangent() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static int f(double x) { return (int) x; }",
        "  @Differentiable static void g(double x) { }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointResultNotDifferentiable] @Differentiable method f must return a value with a tangent (double), but returns int")
        .inFile(f).onLineContaining("int f(");
    assertThat(c).hadErrorContaining("but returns void").inFile(f).onLineContaining("void g(");
  }

  @Test
  void floatingPointParameterWithoutTangent() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  record Point(int id, double value, java.util.List<Double> history) {}",
        "  @Differentiable static double f(double x, float y) { return x * y; }",
        "  @Differentiable static double g(double x, Double y) { return x * y; }",
        "  @Differentiable static double h(double x, Point p) { return x * p.value(); }",
        "  @Differentiable static double ok(double x, @NoDiff Point p) { return x * p.value(); }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointUnsupportedType] parameter y of f has type float")
        .inFile(f).onLineContaining("double f(");
    assertThat(c).hadErrorContaining("parameter y of g has type java.lang.Double")
        .inFile(f).onLineContaining("double g(");
    assertThat(c).hadErrorContaining("parameter p of h has type test.Fns.Point, which holds"
        + " floating-point data but has no supported tangent (its component Point.history has type"
        + " java.util.List<java.lang.Double>, which has no supported tangent: its type argument"
        + " java.lang.Double holds floating-point data")
        .inFile(f).onLineContaining("double h(");
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void everyTypeThatHoldsFloatingPointDataNeedsNoDiff() {
    // One definition (DESIGN): floating-point data in a non-private field (own or inherited), in
    // a record component, or in a type argument is an error unless @NoDiff; private state, enums,
    // functional interfaces and java.util.Random are not data.
    JavaFileObject f = source("Fns",
        "import java.util.List;",
        "import java.util.Random;",
        "import java.util.function.Function;",
        "final class Fns {",
        "  static class Params { double scale = 2; }",
        "  static class Derived extends Params { int id; }",
        "  static class Node { Node next; List<Double> weights; }",
        "  static final class Sealed { private double hidden = 1; double hidden() { return hidden; } }",
        "  enum Unit { M(1.0), KM(1000.0); final double factor; Unit(double f) { factor = f; } }",
        "  @Differentiable static double a(double x, Params p) { return x * p.scale; }",
        "  @Differentiable static double b(double x, List<Double> ws) { return x * ws.size(); }",
        "  @Differentiable static double c(double x, Derived d) { return x * d.id; }",
        "  @Differentiable static double d(double x, Node n) { return x; }",
        "  @Differentiable static double e(double x, @NoDiff Params p, @NoDiff List<Double> ws) {",
        "    return x * p.scale;",
        "  }",
        "  @Differentiable static double ok(double x, Random r, Sealed s, Unit u,",
        "      Function<Double, Double> fn, List<String> names, Class<Double> type) {",
        "    return x * u.factor;",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointUnsupportedType] parameter p of a has type "
            + "test.Fns.Params, which holds floating-point data but has no supported tangent "
            + "(its field scale holds floating-point data")
        .inFile(f).onLineContaining("double a(");
    assertThat(c).hadErrorContaining("parameter ws of b has type java.util.List<java.lang.Double>"
            + ", which holds floating-point data but has no supported tangent (its type argument "
            + "java.lang.Double holds")
        .inFile(f).onLineContaining("double b(");
    assertThat(c).hadErrorContaining("parameter d of c has type test.Fns.Derived")
        .inFile(f).onLineContaining("double c(");
    assertThat(c).hadErrorContaining("parameter n of d has type test.Fns.Node")
        .inFile(f).onLineContaining("double d(");
    assertThat(c).hadErrorCount(4);
  }

  @Test
  void unsupportedResultType() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static Double f(double x) { return x; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointUnsupportedType] @Differentiable method f returns java.lang.Double")
        .inFile(f).onLineContaining("Double f(");
  }

  @Test
  void noDiffOnParameterWithoutTangentIsANoteNotAWarning() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x, @NoDiff int n) { return x * n; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).hadNoteContaining("[AdjointRedundantNoDiff] @NoDiff on parameter n of type int has no effect")
        .inFile(f).onLineContaining("double f(");
  }

  @Test
  void overloadedAnnotatedName() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x) { return x; }",
        "  @Differentiable static double f(double x, double y) { return x + y; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointOverload] @Differentiable method f must have a name unique in Fns, but 2 methods are called f")
        .inFile(f).onLineContaining("double f(double x) {");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aPlainOverloadBesideADifferentiableMethodIsFine() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x) { return x * x; }",
        "  static double f(double x, double y) { return x + y; }",
        "  static double f(Object o) { return 0; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void namesDifferingOnlyInCase() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double loss(double x) { return x; }",
        "  @Differentiable static double Loss(double x) { return x; }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointCaseClash] @Differentiable method Loss and method loss differ only in case")
        .inFile(f).onLineContaining("double Loss(");
  }

  @Test
  void existingTypeWithTheGeneratedName() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x) { return x; }",
        "}");
    JavaFileObject taken = source("FnsAdjoint", "final class FnsAdjoint {}");
    Compilation c = compile(f, taken);
    assertThat(c).hadErrorContaining("[AdjointNameTaken] the generated class FnsAdjoint would replace the existing type test.FnsAdjoint")
        .inFile(taken).onLineContaining("class FnsAdjoint");
  }

  @Test
  void validClassWithMainCallingItsOwnAdjointCompilesCleanly() {
    JavaFileObject f = source("Fns",
        "public final class Fns {",
        "  @Differentiable static double f(double x, double y) { return x * Math.sin(y); }",
        "  public static void main(String[] args) {",
        "    System.out.println(FnsAdjoint.fGrad(2.0, 1.0).y());",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.FnsAdjoint");
  }

  @Test
  void varBesideOwnAdjointIsAnErrorNotAJavacCrash() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x) { return x * x; }",
        "  static double slope() { var g = FnsAdjoint.fGrad(1.0); return g.x(); }",
        "  static double typed() { FnsAdjoint.FGrad g = FnsAdjoint.fGrad(1.0); return g.x(); }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointVarBesideOwnAdjoint] var locals must not be used in a class that also uses its own generated FnsAdjoint")
        .inFile(f).onLineContaining("var g =");
    assertNoInternalError(c);
  }

  static void assertNoInternalError(Compilation c) {
    c.diagnostics().forEach(d -> {
      if (d.getMessage(null).contains("[AdjointInternalError]")) {
        throw new AssertionError("internal error: " + d.getMessage(null));
      }
    });
  }
}
