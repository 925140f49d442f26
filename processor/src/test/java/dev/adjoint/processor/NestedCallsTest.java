package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.adjoint.processor.Sources.classpathWith;
import static dev.adjoint.processor.Sources.compile;

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

/**
 * Gradients inside differentiated code (issue 12) across builds: a caller compiled against a
 * library whose generated class is on the class path (compiled in an earlier build, without
 * {@code -parameters}), with and without {@code order = 2}; and the same two classes compiled
 * together, where the caller waits a round for the callee's generated class.
 */
class NestedCallsTest {

  private static final String[] LIBRARY = {
      "package lib;",
      "import dev.adjoint.Differentiable;",
      "public final class Lib {",
      "  @Differentiable%s public static double bowl(double x, double y) {",
      "    return x * x * Math.sin(y) + y * y * y;",
      "  }",
      "}"};

  private static final String[] USER = {
      "package app;",
      "import dev.adjoint.Differentiable;",
      "public final class Model {",
      "  @Differentiable public static double loss(double x, double y) {",
      "    return x * lib.LibAdjoint.bowlGrad(x, y).y()",
      "        + lib.LibAdjoint.bowlJvp(x, y, 1.0, x).tangent();",
      "  }",
      "}"};

  @Test
  void aLibraryCompiledWithOrderTwo(@TempDir Path dir) throws IOException {
    Path library = compileLibrary(dir, "(order = 2)");
    JavaFileObject user = JavaFileObjects.forSourceLines("app.Model", USER);
    Compilation c = javac().withProcessors(new AdjointProcessor())
        .withOptions("-Xlint:all,-processing")
        .withClasspath(classpathWith(library)).compile(user);
    assertThat(c).succeededWithoutWarnings();
    // The parameters' names come from the library's gradient record (no -parameters there).
    // (Its products are made with the Vjp, so they read Lib's state as it is then.)
    assertThat(c).generatedSourceFile("app.ModelAdjoint").contentsAsUtf8String()
        .contains("LibAdjoint.bowlHvpAt(x, y)");
    assertThat(c).generatedSourceFile("app.ModelAdjoint").contentsAsUtf8String()
        .contains("at.apply(0.0, valueBar)");
  }

  @Test
  void aLibraryCompiledWithoutOrderTwo(@TempDir Path dir) throws IOException {
    Path library = compileLibrary(dir, "");
    JavaFileObject user = JavaFileObjects.forSourceLines("app.Model", USER);
    Compilation c = javac().withProcessors(new AdjointProcessor())
        .withClasspath(classpathWith(library)).compile(user);
    assertThat(c).hadErrorContaining("[AdjointNestedOrder] lib.LibAdjoint.bowlGrad(x, y).y()"
            + " inside differentiated code needs the second-order members of Lib.bowl")
        .inFile(user).onLineContaining("bowlGrad(x, y).y()");
    assertThat(c).hadErrorContaining("[AdjointNestedOrder] lib.LibAdjoint.bowlJvp(x, y, 1.0,"
            + " x).tangent()")
        .inFile(user).onLineContaining("bowlJvp(x, y, 1.0, x).tangent()");
  }

  @Test
  void compiledTogetherTheCallerWaitsForTheGeneratedClass() {
    JavaFileObject lib = JavaFileObjects.forSourceLines("lib.Lib",
        String.join("\n", LIBRARY).formatted("(order = 2)"));
    JavaFileObject user = JavaFileObjects.forSourceLines("app.Model", USER);
    Compilation c = compile(user, lib);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("app.ModelAdjoint").contentsAsUtf8String()
        .contains("static BowlGradYVjp bowlGradYVjp(double x, double y)");
  }

  /**
   * An order = 2 method calling the library's bowl: through bowlHvpAt (made at the call, replayed
   * by mHvpAt) where the library was compiled
   * with order = 2; where it was not, an error at the call asking for order = 2 there (a jar's
   * callee cannot be given it, as one compiled together is).
   */
  @Test
  void secondOrderThroughALibrarysCallee(@TempDir Path dir) throws IOException {
    String[] caller = {
        "package app;",
        "import dev.adjoint.Differentiable;",
        "public final class Fit {",
        "  @Differentiable(order = 2) public static double loss(double x, double y) {",
        "    return lib.Lib.bowl(x * y, y) + x;",
        "  }",
        "}"};
    Path with = compileLibrary(dir.resolve("with"), "(order = 2)");
    Compilation c = javac().withProcessors(new AdjointProcessor())
        .withOptions("-Xlint:all,-processing")
        .withClasspath(classpathWith(with))
        .compile(JavaFileObjects.forSourceLines("app.Fit", caller));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("app.FitAdjoint").contentsAsUtf8String()
        .contains("LibAdjoint.bowlHvpAt(");

    Path without = compileLibrary(dir.resolve("without"), "");
    JavaFileObject user = JavaFileObjects.forSourceLines("app.Fit", caller);
    c = javac().withProcessors(new AdjointProcessor())
        .withClasspath(classpathWith(without)).compile(user);
    assertThat(c).hadErrorContaining("[AdjointSecondOrderUnsupported] order = 2 method loss must"
            + " call annotated methods only where")
        .inFile(user).onLineContaining("lib.Lib.bowl(x * y, y)");
    assertThat(c).hadErrorContaining("declare bowl with @Differentiable(order = 2)");
  }

  /**
   * An order = 2 method calling a library's custom rules compiled without order = 2: the error at
   * each call names the annotation the rule has ({@code @CustomJvp(order = 2)}, {@code
   * @CustomVjp(order = 2)}), not {@code @Differentiable}, which a rule cannot carry.
   */
  @Test
  void secondOrderThroughALibrarysRuleAsksForOrderTwoOnItsAnnotation(@TempDir Path dir)
      throws IOException {
    JavaFileObject rules = JavaFileObjects.forSourceLines("lib.Rules",
        "package lib;",
        "import dev.adjoint.*;",
        "import dev.adjoint.runtime.*;",
        "public final class Rules {",
        "  @CustomJvp public static double cube(double x) { return x * x * x; }",
        "  @Jvp(\"cube\") static JvpResult<Double, Double> cubeJvp(double x, double xDot) {",
        "    return JvpResult.of(x * x * x, 3 * x * x * xDot);",
        "  }",
        "  @CustomVjp public static double square(double x) { return x * x; }",
        "  @Fwd(\"square\") static FwdResult<Double, Double> squareFwd(double x) {",
        "    return FwdResult.of(x * x, x);",
        "  }",
        "  @Bwd(\"square\") static double squareBwd(Double x, double g) { return 2 * x * g; }",
        "}");
    Path classes = dir.resolve("classes");
    Compilation lib = compile(rules);
    assertThat(lib).succeededWithoutWarnings();
    for (JavaFileObject out : lib.generatedFiles()) {
      if (out.getKind() == JavaFileObject.Kind.CLASS) {
        String path = out.toUri().getPath();
        Path target = classes.resolve(path.substring(path.indexOf("lib/")));
        Files.createDirectories(target.getParent());
        try (InputStream in = out.openInputStream()) {
          Files.copy(in, target);
        }
      }
    }
    JavaFileObject user = JavaFileObjects.forSourceLines("app.Fit",
        "package app;",
        "import dev.adjoint.Differentiable;",
        "public final class Fit {",
        "  @Differentiable(order = 2) public static double loss(double x) {",
        "    double a = lib.Rules.cube(x);",
        "    double b = lib.Rules.square(x);",
        "    return a + b;",
        "  }",
        "}");
    Compilation c = javac().withProcessors(new AdjointProcessor())
        .withClasspath(classpathWith(classes)).compile(user);
    assertThat(c).hadErrorContaining("declare cube with @CustomJvp(order = 2), so that its"
        + " Hessian-vector products exist").inFile(user).onLineContaining("lib.Rules.cube(x)");
    assertThat(c).hadErrorContaining("declare square with @CustomVjp(order = 2), so that its"
        + " Hessian-vector products exist").inFile(user).onLineContaining("lib.Rules.square(x)");
  }

  /** Compiles the library with the processor into {@code dir}; returns its class directory. */
  private static Path compileLibrary(Path dir, String order) throws IOException {
    JavaFileObject lib = JavaFileObjects.forSourceLines("lib.Lib",
        String.join("\n", LIBRARY).formatted(order));
    return Sources.compileLibrary(dir, lib);
  }

}
